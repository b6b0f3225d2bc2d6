using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace DerivSpec.Runtime.Native;

/// <summary>
/// Loads TorchSharp's native library once and, when that fails, explains why in terms a user can act on.
/// TorchSharp's own message ("doesn't contain a reference to libtorch-cpu…") is misleading on systems whose libstdc++
/// is older than the one libLibTorchSharp.so was linked against; this class names the real cause.
/// </summary>
public static class TorchLoader
{
    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>Ensures the native torch library is loaded; throws <see cref="TorchLoadException"/> with a diagnosis otherwise.</summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                // Any call that touches the native library forces the load.
                using var probe = TorchSharp.torch.zeros(1);
                NativeAllocator.Tune();
                _loaded = true;
            }
            catch (Exception ex) when (ex is not TorchLoadException)
            {
                throw new TorchLoadException(Diagnose(ex), ex);
            }
        }
    }

    /// <summary>True when a CUDA device is usable (loads the native library first).</summary>
    public static bool CudaAvailable()
    {
        EnsureLoaded();
        return TorchSharp.torch.cuda.is_available();
    }

    internal static string Diagnose(Exception ex)
    {
        var sb = new StringBuilder();
        sb.Append("DerivSpec could not load TorchSharp's native library (libtorch). ");
        string baseDir = AppContext.BaseDirectory;
        string? lib = FindLibTorchSharp(baseDir);
        if (lib is null)
        {
            sb.Append("No libLibTorchSharp native file was found under '").Append(baseDir)
              .Append("'. Reference a libtorch package in the application project (for example 'libtorch-cpu-linux-x64' ")
              .Append("or 'TorchSharp-cpu' on CPU, or a CUDA bundle on GPU machines) so the natives are copied to the output.");
        }
        else if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            var missing = ElfVersionNeeds.MissingStrongGlibcxx(lib);
            if (missing.Count > 0)
            {
                sb.Append("'").Append(lib).Append("' requires libstdc++ version(s) ")
                  .Append(string.Join(", ", missing))
                  .Append(" which this system's libstdc++ does not provide. DerivSpec's build marks GLIBCXX_3.4.32 weak in ")
                  .Append("the copies under bin/ and publish/ (build/TorchSharpNative.targets); this copy was not patched. ")
                  .Append("Rebuild through the project (dotnet build / dotnet publish) or install a libstdc++ from GCC 13 or newer.");
            }
            else
            {
                sb.Append("The native file '").Append(lib).Append("' exists and its libstdc++ needs are satisfied; ")
                  .Append("check that libtorch's own libraries (libtorch_cpu.so, libc10.so) are beside it or on LD_LIBRARY_PATH.");
            }
        }
        sb.Append(" Underlying error: ").Append(ex.GetType().Name).Append(": ").Append(ex.Message);
        return sb.ToString();
    }

    private static string? FindLibTorchSharp(string baseDir)
    {
        string name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "LibTorchSharp.dll"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";
        string direct = Path.Combine(baseDir, name);
        if (File.Exists(direct)) return direct;
        string runtimes = Path.Combine(baseDir, "runtimes");
        if (!Directory.Exists(runtimes)) return null;
        foreach (var f in Directory.EnumerateFiles(runtimes, name, SearchOption.AllDirectories)) return f;
        return null;
    }
}

/// <summary>The native torch library could not be loaded; the message says why and what to do.</summary>
public sealed class TorchLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TorchLoadException(string message, Exception inner) : base(message, inner) { }
}
