using System;
using System.CommandLine;
using System.Text.RegularExpressions;

namespace DerivSpec.Tools;

/// <summary>Options that the derivspec tool and the example programs share, declared once with their checks.</summary>
public static class CommonOptions
{
    /// <summary><c>--device</c>: auto (CUDA when available), cpu, cuda or cuda:N; completes the first three.</summary>
    public static Option<string> Device() => Checked(new Option<string>("--device")
    {
        Description = "auto (CUDA when libtorch sees a GPU), cpu, cuda or cuda:N.",
        DefaultValueFactory = _ => "auto",
    }, "auto", "cpu", "cuda");

    /// <summary><c>--integration</c>: the integration rule (<see cref="IntegrationRules"/>).</summary>
    public static Option<string> Integration()
    {
        var option = new Option<string>("--integration")
        {
            Description = "Integration rule: " + IntegrationRules.Help + ".",
            DefaultValueFactory = _ => IntegrationRules.Fixed,
        };
        option.CompletionSources.Add(IntegrationRules.Fixed, IntegrationRules.GaussLegendre, IntegrationRules.Grid);
        option.Validators.Add(r =>
        {
            if (!TryGetValue(r, out string? value)) return;
            string v = value ?? IntegrationRules.Fixed;
            try { IntegrationRules.Parse(v); }
            catch (UsageException e) { r.AddError(e.Message); }
        });
        return option;
    }

    /// <summary>
    /// The value of an option inside a validator, or false when it did not convert (System.CommandLine reports that
    /// error itself; asking for the value would throw).
    /// </summary>
    public static bool TryGetValue<T>(System.CommandLine.Parsing.OptionResult result, out T value)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static Option<string> Checked(Option<string> device, params string[] completions)
    {
        device.CompletionSources.Add(completions);
        device.Validators.Add(r =>
        {
            if (!TryGetValue(r, out string? value)) return;
            string v = value ?? "auto";
            if (!Regex.IsMatch(v, "^(auto|cpu|cuda|cuda:[0-9]+)$"))
                r.AddError($"--device: '{v}' is not a device; use auto, cpu, cuda or cuda:N.");
        });
        return device;
    }
}
