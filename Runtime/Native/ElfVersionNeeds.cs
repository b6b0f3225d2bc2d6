using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace DerivSpec.Runtime.Native;

/// <summary>Reads the GNU version-need table of an ELF64 file, to explain native load failures.</summary>
internal static class ElfVersionNeeds
{
    internal readonly record struct Need(string File, string Version, bool Weak);

    /// <summary>All version needs of the file (empty when it is not a readable ELF64 little-endian file).</summary>
    internal static List<Need> Read(string path)
    {
        var result = new List<Need>();
        byte[] b;
        try { b = File.ReadAllBytes(path); } catch (IOException) { return result; } catch (UnauthorizedAccessException) { return result; }
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1) return result;
        try
        {
            long shoff = BitConverter.ToInt64(b, 0x28);
            int shentsize = BitConverter.ToUInt16(b, 0x3A);
            int shnum = BitConverter.ToUInt16(b, 0x3C);
            for (int s = 0; s < shnum; s++)
            {
                long sh = shoff + (long)s * shentsize;
                if (BitConverter.ToUInt32(b, (int)sh + 4) != 0x6ffffffe) continue;
                long off = BitConverter.ToInt64(b, (int)sh + 24);
                int link = (int)BitConverter.ToUInt32(b, (int)sh + 40);
                int count = (int)BitConverter.ToUInt32(b, (int)sh + 44);
                long strOff = BitConverter.ToInt64(b, (int)(shoff + (long)link * shentsize) + 24);
                long vn = off;
                for (int i = 0; i < count; i++)
                {
                    int cnt = BitConverter.ToUInt16(b, (int)vn + 2);
                    string file = CString(b, strOff + BitConverter.ToUInt32(b, (int)vn + 4));
                    long aux = vn + BitConverter.ToUInt32(b, (int)vn + 8);
                    for (int a = 0; a < cnt; a++)
                    {
                        int flags = BitConverter.ToUInt16(b, (int)aux + 4);
                        result.Add(new Need(file, CString(b, strOff + BitConverter.ToUInt32(b, (int)aux + 8)), (flags & 2) != 0));
                        uint next = BitConverter.ToUInt32(b, (int)aux + 12);
                        if (next == 0) break;
                        aux += next;
                    }
                    uint vnNext = BitConverter.ToUInt32(b, (int)vn + 12);
                    if (vnNext == 0) break;
                    vn += vnNext;
                }
            }
        }
        catch (ArgumentOutOfRangeException) { }
        catch (ArgumentException) { }
        return result;
    }

    /// <summary>Non-weak GLIBCXX versions the file needs that the system's libstdc++ does not define.</summary>
    internal static List<string> MissingStrongGlibcxx(string path)
    {
        var missing = new List<string>();
        string? stdcxx = FindSystemLibStdCxx();
        if (stdcxx is null) return missing;
        byte[] lib;
        try { lib = File.ReadAllBytes(stdcxx); } catch (IOException) { return missing; }
        string text = Encoding.ASCII.GetString(lib);
        foreach (var need in Read(path))
        {
            if (need.Weak || !need.Version.StartsWith("GLIBCXX_", StringComparison.Ordinal)) continue;
            if (!text.Contains(need.Version + "\0", StringComparison.Ordinal)) missing.Add(need.Version);
        }
        return missing;
    }

    private static string? FindSystemLibStdCxx()
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu" })
        {
            string p = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static string CString(byte[] b, long at)
    {
        int end = (int)at;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }
}
