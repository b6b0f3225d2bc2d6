using System;
using System.Globalization;
using DerivSpec.Refuter;

// dotnet run --project tests/DerivSpec.Refuter -c Release -- [--families N] [--seed S] [--per-model M]
//     [--rule default|gl|grid] [--strict] [--latent2-share F] [--points P] [--report R]
// Prints families generated/accepted, compiled models, evaluations and violations by kind (the first R in full);
// exit code 1 when any violation was found, 2 on bad arguments.
// The Generator project hands DerivSpec.Language to its consumers as an analyzer dependency, so it is missing from this
// app's deps.json although it is copied beside it: resolve it (and anything else so placed) from the app folder.
System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
{
    string path = System.IO.Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
    return System.IO.File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
};
int families = 10000, seed = 1, perModel = 100, points = 4001, report = 3;
double latent2 = 0.2;
string rule = "default";
bool strict = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException("missing value after " + args[i]);
    try
    {
        switch (args[i])
        {
            case "--families": families = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--per-model": perModel = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--points": points = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--report": report = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--rule": rule = Next(); break;
            case "--strict": strict = true; break;
            case "--latent2-share": latent2 = double.Parse(Next(), CultureInfo.InvariantCulture); break;
            default: throw new ArgumentException("unknown argument " + args[i]);
        }
    }
    catch (Exception ex) when (ex is ArgumentException or FormatException)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine("usage: DerivSpec.Refuter [--families N] [--seed S] [--per-model M] [--rule default|gl|grid] [--strict] [--latent2-share F] [--points P] [--report R]");
        return 2;
    }
}
if (rule is not ("default" or "gl" or "grid"))
{
    Console.Error.WriteLine($"unknown rule '{rule}' (default, gl, grid)");
    return 2;
}
Console.WriteLine($"refuter: {families} accepted families, seed {seed}, {perModel} per model, rule {rule}, {points} grid points");
var result = Refuter.Run(new RefuterOptions
{
    Families = families, Seed = seed, FamiliesPerModel = perModel, Rule = rule, GridPoints = points, Report = report, Strict = strict, Latent2Share = latent2, Log = Console.Out,
});
Console.WriteLine();
Console.Write(result.Summary());
return result.TotalViolations == 0 ? 0 : 1;
