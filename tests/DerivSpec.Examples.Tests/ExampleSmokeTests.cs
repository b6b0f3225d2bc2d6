using System;
using System.IO;
using System.Linq;
using DerivSpec.Data;
using DerivSpec.Examples.Progression;
using DerivSpec.Examples.SingleCell;
using DerivSpec.Examples.Synthetic;
using Xunit;

namespace DerivSpec.Examples.Tests;

/// <summary>
/// The examples' entry points run in-process on tiny settings (a couple of epochs): they exist to catch wiring
/// breaks, not to measure anything. Bad input must give a located message, a non-zero exit code and no output folder.
/// </summary>
public sealed class ExampleSmokeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dspec-examples-" + Guid.NewGuid().ToString("N"));

    public ExampleSmokeTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(Func<string[], TextWriter, TextWriter, int> main, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = main(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private string Write(string name, string text)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void SyntheticRunsEndToEndAndWritesResults()
    {
        var outDir = Path.Combine(_dir, "syn");
        var (code, stdout, stderr) = Run(SyntheticExample.Run, "--epochs", "2", "--out", outDir, "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Contains("ARI(GT, C_L)", stdout);
        Assert.Contains("|Spearman(mu_z, t)|", stdout);
        foreach (var f in new[] { "features.csv", "samples.csv", "metrics.csv", "curves_BasisDeVAE.csv", "curves_BasisVAE.csv", "fig4.png", "fig4.svg", "phi.png", "phi.svg", "pseudotime.png", "pseudotime.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f + " missing");
        var features = File.ReadAllLines(Path.Combine(outDir, "features.csv"));
        Assert.Equal(51, features.Length); // header + 50 features
        Assert.StartsWith("feature,truth,BasisDeVAE_full,BasisDeVAE_low,BasisDeVAE_high", features[0]);
        Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(outDir, "fig4.png"))[0]);
    }

    [Fact]
    public void SyntheticRestartsKeepTheBestRunAndRejectZero()
    {
        var outDir = Path.Combine(_dir, "restarts");
        var (code, stdout, stderr) = Run(SyntheticExample.Run, "--epochs", "2", "--restarts", "2", "--full-only", "--no-baseline", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.Matches(@"training ELBO per run -?[0-9.]+, -?[0-9.]+; kept run [12]", stderr);
        Assert.Contains("ARI(GT, full data)", stdout);

        var zero = Run(SyntheticExample.Run, "--restarts", "0", "--out", Path.Combine(_dir, "r0"));
        Assert.Equal(2, zero.Code);
        Assert.Contains("--restarts", zero.Err);
        Assert.False(Directory.Exists(Path.Combine(_dir, "r0")));
    }

    [Fact]
    public void SyntheticOnUserDataChecksEveryInputBeforeTraining()
    {
        var outDir = Path.Combine(_dir, "user");
        var data = Write("d.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,1,1\n2,2,2\n");

        var missing = Run(SyntheticExample.Run, "--data", Path.Combine(_dir, "none.csv"), "--out", outDir);
        Assert.Equal(3, missing.Code);
        Assert.Contains("none.csv", missing.Err);
        Assert.Contains("not found", missing.Err);

        var nan = Run(SyntheticExample.Run, "--data", Write("nan.csv", "a,b\n1,2\n3,NaN\n"), "--out", outDir);
        Assert.Equal(3, nan.Code);
        Assert.Contains("line 3", nan.Err);
        Assert.Contains("column 2", nan.Err);

        var labels = Run(SyntheticExample.Run, "--data", data, "--labels", Write("l.txt", "x\ny\n"), "--out", outDir);
        Assert.Equal(3, labels.Code);
        Assert.Contains("2 labels", labels.Err);
        Assert.Contains("3 features", labels.Err);

        var time = Run(SyntheticExample.Run, "--data", data, "--time", Write("t.txt", "1\n2\n"), "--out", outDir);
        Assert.Equal(3, time.Code);
        Assert.Contains("5 samples", time.Err);

        var usage = Run(SyntheticExample.Run, "--epoch", "3");
        Assert.Equal(2, usage.Code);
        Assert.Contains("--epochs", usage.Err);

        Assert.False(Directory.Exists(outDir));
        Assert.DoesNotContain(Directory.EnumerateDirectories(_dir), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void ProgressionRunsOneTinySplit()
    {
        var outDir = Path.Combine(_dir, "prog");
        var (code, stdout, stderr) = Run(ProgressionExample.Run, "--splits", "1", "--epochs", "1", "--samples", "120", "--out", outDir, "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Contains("DeVAE", stdout);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(outDir, "splits.csv")).Length); // header + 3 models
        foreach (var f in new[] { "trajectories.png", "trajectories.svg", "pseudotime.png", "pseudotime.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f + " missing");
    }

    [Fact]
    public void SingleCellRunsTinyCountsAndRejectsNonCounts()
    {
        var outDir = Path.Combine(_dir, "sc");
        var (code, stdout, stderr) = Run(SingleCellExample.Run, "--cells", "120", "--genes", "30", "--epochs", "1", "--out", outDir, "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Contains("test ELBO", stdout);
        Assert.Equal(31, File.ReadAllLines(Path.Combine(outDir, "genes.csv")).Length);
        foreach (var f in new[] { "families", "phi", "pseudotime" })
        {
            Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(outDir, f + ".png"))[0]);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(outDir, f + ".svg")));
        }
        Assert.True(File.Exists(Path.Combine(outDir, "results.h5ad")));
        Assert.Contains("integration rule", stdout);
        Assert.Contains("shape-preserving fixed grid (fixed)", stdout);   // the default rule, named as used
        Assert.DoesNotContain("Gauss-Legendre", stdout);
        // One epoch of one step cannot move φ from uniform: the run says so instead of printing silently.
        Assert.Contains("singlecell: warning: training evidently failed: φ is still near uniform", stderr);
        Assert.Contains("--restarts", stderr);
        // Every cell, train and test, in the input's order, with its split.
        var cellLines = File.ReadAllLines(Path.Combine(outDir, "cells.csv"));
        Assert.Equal("cell,split,t,z", cellLines[0]);
        Assert.Equal(121, cellLines.Length);
        Assert.Equal(12, Array.FindAll(cellLines, l => l.Split(',')[1] == "test").Length);
        Assert.Equal(108, Array.FindAll(cellLines, l => l.Split(',')[1] == "train").Length);
        Assert.All(cellLines[1..], l => Assert.True(double.IsFinite(double.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)), l));
        // Both family ARIs (the simulation knows the families), all genes first, and both in metrics.csv.
        int all = stdout.IndexOf("ARI(families, truth), all genes", StringComparison.Ordinal);
        int half = stdout.IndexOf("ARI, better-expressed half", StringComparison.Ordinal);
        Assert.True(all >= 0 && half > all, stdout);
        Assert.Contains("(15 genes with the larger mean count)", stdout);
        var metrics = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
        var columns = metrics[0].Split(',');
        var values = metrics[1].Split(',');
        Assert.NotEqual("", values[Array.IndexOf(columns, "ari")]);
        Assert.NotEqual("", values[Array.IndexOf(columns, "ari_better_half")]);
        Assert.Equal("fixed", values[Array.IndexOf(columns, "integration")]);
        // ARI per decile of genes by mean count (10 rows of 3 genes here) after the existing lines, then the confident genes.
        int deciles = stdout.IndexOf("ARI by expression decile", StringComparison.Ordinal);
        Assert.True(deciles > half, stdout);
        Assert.Equal(10, System.Text.RegularExpressions.Regex.Matches(stdout, @"(?m)^  \| ([1-9]|10) \| [0-9.]+–[0-9.]+ \| 3 \| (-?[0-9]\.[0-9]{3}|–) \|$").Count);
        Assert.Matches(@"ARI, genes with max φ > 0\.99 +(-?[0-9]\.[0-9]{3}|–) +\([0-9]+ of 30 genes\)", stdout);
        var decileLines = File.ReadAllLines(Path.Combine(outDir, "ari_by_decile.csv"));
        Assert.Equal("decile,min_mean,max_mean,genes,ari", decileLines[0]);
        Assert.Equal(11, decileLines.Length);
        Assert.Equal(30, decileLines[1..].Sum(l => int.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.NotEqual("", values[Array.IndexOf(columns, "confident_genes")]);

        var grid = Run(SingleCellExample.Run, "--cells", "120", "--genes", "30", "--epochs", "1", "--integration", "grid", "--out", Path.Combine(_dir, "scg"), "--quiet");
        Assert.True(grid.Code == 0, grid.Err);
        Assert.Contains("shared grid", grid.Out);

        var restarts = Run(SingleCellExample.Run, "--cells", "120", "--genes", "30", "--epochs", "1", "--restarts", "2", "--assign-warmup", "0",
            "--threads", "1", "--out", Path.Combine(_dir, "scrs"), "--quiet");
        Assert.True(restarts.Code == 0, restarts.Err);
        Assert.Matches(@"training ELBO per run +-?[0-9]+\.[0-9], -?[0-9]+\.[0-9]; kept run [12] of 2", restarts.Out);
        Assert.Matches(@"assignment warm-up \(of steps\) +0\.00", restarts.Out);
        var badWarmup = Run(SingleCellExample.Run, "--assign-warmup", "1.5", "--out", Path.Combine(_dir, "scw"));
        Assert.Equal(2, badWarmup.Code);
        Assert.Contains("--assign-warmup: 1.5 is outside 0..1", badWarmup.Err);
        var typo = Run(SingleCellExample.Run, "--restart", "2", "--out", Path.Combine(_dir, "scw"));
        Assert.Equal(2, typo.Code);
        Assert.Contains("Did you mean --restarts?", typo.Err);
        var help = Run(SingleCellExample.Run, "--help");
        Assert.Equal(0, help.Code);
        foreach (var option in new[] { "--restarts", "--assign-warmup", "--simulator", "--write-h5ad", "--labels", "--layer", "--threads" })
            Assert.Contains(option, help.Out);
        Assert.False(Directory.Exists(Path.Combine(_dir, "scw")));
        var badRule = Run(SingleCellExample.Run, "--integration", "simpson", "--out", Path.Combine(_dir, "scr"));
        Assert.Equal(2, badRule.Code);
        Assert.Contains("--integration: 'simpson'", badRule.Err);

        var bad = Run(SingleCellExample.Run, "--data", Write("c.csv", "g1,g2\n1,2\n3,0.5\n"), "--out", Path.Combine(_dir, "sc2"));
        Assert.Equal(3, bad.Code);
        Assert.Contains("line 3", bad.Err);
        Assert.Contains("cell 'cell_2' (row 1), gene 'g2' (column 1): 0.5 is not an integer", bad.Err);
        Assert.False(Directory.Exists(Path.Combine(_dir, "sc2")));
    }

    [Fact]
    public void SingleCellCompareTrainsTheTable3ModelsOnOneSplit()
    {
        var outDir = Path.Combine(_dir, "cmp");
        var (code, stdout, stderr) = Run(SingleCellExample.Run, "--cells", "120", "--genes", "30", "--epochs", "2", "--restarts", "1",
            "--compare", "--out", outDir, "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Contains("| model | t_train/epoch (s) | CPU s/epoch | test log p(X\\|Z,θ*) | test ELBO | ARI, all genes |", stdout);
        foreach (var model in new[] { "Linear", "BasisVAE1", "BasisVAE2", "BasisDeVAE", "LinearVAE" })
            Assert.Matches(@"(?m)^\| " + model + @" \| [0-9]+\.[0-9]{3} \| [0-9]+\.[0-9]{3} \| \**-[0-9]+\.[0-9]\** \| \**-[0-9]+\.[0-9]\** \|", stdout);
        Assert.Contains("λ ∈ [0.1, 3]", stdout);
        var lines = File.ReadAllLines(Path.Combine(outDir, "comparison.csv"));
        Assert.Equal(6, lines.Length);   // header + 5 models
        var columns = lines[0].Split(',');
        int ll = Array.IndexOf(columns, "test_log_likelihood"), elbo = Array.IndexOf(columns, "test_elbo");
        var csv = lines[1..].Select(l => System.Text.RegularExpressions.Regex.Split(l, ",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")).ToArray();
        Assert.All(csv, r => Assert.True(double.Parse(r[ll], System.Globalization.CultureInfo.InvariantCulture) < 0, r[ll]));
        Assert.All(csv, r => Assert.True(double.Parse(r[elbo], System.Globalization.CultureInfo.InvariantCulture) < 0, r[elbo]));
        Assert.All(csv, r => Assert.Equal("12", r[Array.IndexOf(columns, "test_cells")]));
        // The single-model outputs belong to the single-model run.
        Assert.False(File.Exists(Path.Combine(outDir, "genes.csv")));

        var withExport = Run(SingleCellExample.Run, "--compare", "--write-h5ad", Path.Combine(_dir, "x.h5ad"));
        Assert.Equal(2, withExport.Code);
        Assert.Contains("--compare", withExport.Err);
    }

    [Fact]
    public void SingleCellWritesItsSimulationAsH5adAndTrainsOnIt()
    {
        var h5 = Path.Combine(_dir, "sim.h5ad");
        var w = Run(SingleCellExample.Run, "--cells", "120", "--genes", "30", "--write-h5ad", h5);
        Assert.True(w.Code == 0, w.Err);
        var sim = H5adReader.Read(h5);
        Assert.True(sim.X.IsSparse);
        Assert.Equal(120, sim.ObsCount);
        Assert.Equal(30, sim.VarCount);
        Assert.Equal(120, sim.Obs.Numeric("time").Length);
        Assert.IsType<CategoricalColumn>(sim.Var["family"]);

        var outDir = Path.Combine(_dir, "sch5");
        var r = Run(SingleCellExample.Run, "--data", h5, "--labels", "var:family", "--time", "obs:time", "--epochs", "1", "--out", outDir, "--quiet");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("sparse", r.Out);
        Assert.Contains("ARI(families, truth), all genes", r.Out);
        Assert.Contains("ARI, better-expressed half", r.Out);
        Assert.Equal(121, File.ReadAllLines(Path.Combine(outDir, "cells.csv")).Length);   // train and test cells
        Assert.Contains("|Spearman(μ_z, t)|", r.Out);
        var results = H5adReader.Read(Path.Combine(outDir, "results.h5ad"));
        Assert.Equal(108, results.ObsCount);   // the training cells (90 %)
        Assert.True(results.X.IsSparse);
        Assert.Equal(108, results.Obs.Numeric("pseudotime").Length);
        Assert.Equal(results.Obs.Numeric("pseudotime"), results.Obs.Numeric("z_1"));
        Assert.Equal(new[] { 108, 1 }, new[] { results.Obsm["X_derivspec"].GetLength(0), results.Obsm["X_derivspec"].GetLength(1) });
        Assert.IsType<CategoricalColumn>(results.Var["family"]);
        Assert.Equal(30, results.Var.Numeric("phi_" + ((CategoricalColumn)results.Var["family"]).Categories[0]).Length);
        var curves = results.Uns.Get<UnsDictionary>("derivspec").Get<double[,,]>("curves");
        Assert.Equal(new[] { 200, 3, 30 }, new[] { curves.GetLength(0), curves.GetLength(1), curves.GetLength(2) });

        var missing = Run(SingleCellExample.Run, "--data", h5, "--labels", "var:truth", "--out", Path.Combine(_dir, "sch6"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("no var column 'truth' (var columns: family)", missing.Err);
        var layer = Run(SingleCellExample.Run, "--data", h5, "--layer", "raw", "--out", Path.Combine(_dir, "sch7"));
        Assert.Equal(3, layer.Code);
        Assert.Contains("no layer 'raw'", layer.Err);
    }
}
