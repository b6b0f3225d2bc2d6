using System;
using System.Runtime.InteropServices;
using Xunit;

namespace DerivSpec.Tests.Shared;

/// <summary>A fact about the linux-x64 build output (the native libraries these test projects restore are linux-x64's):
/// reported as skipped, not passed, on another platform.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class LinuxX64FactAttribute : FactAttribute
{
    public LinuxX64FactAttribute()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Skip = "checks the linux-x64 native libraries; this machine is " + RuntimeInformation.RuntimeIdentifier;
    }
}
