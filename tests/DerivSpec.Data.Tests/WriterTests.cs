using System;
using System.IO;
using System.Linq;
using Xunit;

namespace DerivSpec.Data.Tests;

public sealed class WriterTests : TempDirTests
{
    private static (AnnData Data, DerivSpecResults Results) Fitted()
    {
        var data = AnnData.FromArray(new double[,] { { 1, 0, 2 }, { 0, 3, 1 }, { 4, 0, 0 }, { 1, 1, 1 } },
            new[] { "c1", "c2", "c3", "c4" }, new[] { "Actb", "Sox2", "Nes" });
        data.Obs.Set("batch", new[] { "x", "x", "y", "y" });
        data.Var.Set("truth", new[] { "rise", "fall", "rise" });
        var latent = new double[,] { { -1, 0.5 }, { 0, 0.1 }, { 1, 0.2 }, { 2, -0.3 } };
        var phi = new double[,] { { 0.9, 0.1 }, { 0.2, 0.8 }, { 0.6, 0.4 } };
        var grid = new[] { -1.0, 0, 1, 2 };
        var curves = new double[4, 2, 3];
        for (int g = 0; g < 4; g++) for (int k = 0; k < 2; k++) for (int j = 0; j < 3; j++) curves[g, k, j] = g + 10 * k + 100 * j;
        return (data, new DerivSpecResults
        {
            ModelName = "BasisDeVAE", Latent = latent, FamilyNames = new[] { "rise", "fall" },
            FamilyProbabilities = phi, CurveGrid = grid, Curves = curves,
        });
    }

    [Fact]
    public void ResultsGoIntoH5adBesideTheInput()
    {
        var (data, results) = Fitted();
        var p = PathOf("results.h5ad");
        ResultsWriter.WriteH5ad(p, data, results);
        Assert.False(data.Obs.Contains("pseudotime"));   // the input is not changed
        var r = H5adReader.Read(p);
        Assert.Equal(data.X.ToArray(), r.X.ToArray());
        Assert.Equal(data.ObsNames, r.ObsNames);
        Assert.Equal(new[] { "x", "x", "y", "y" }, r.Obs.Strings("batch"));
        Assert.Equal(new[] { "rise", "fall", "rise" }, r.Var.Strings("truth"));
        Assert.Equal(new[] { -1.0, 0, 1, 2 }, r.Obs.Numeric("pseudotime"));
        Assert.Equal(new[] { -1.0, 0, 1, 2 }, r.Obs.Numeric("z_1"));
        Assert.Equal(new[] { 0.5, 0.1, 0.2, -0.3 }, r.Obs.Numeric("z_2"));
        Assert.Equal(results.Latent, r.Obsm[ResultsWriter.ObsmKey]);
        var family = Assert.IsType<CategoricalColumn>(r.Var["family"]);
        Assert.Equal(new[] { "rise", "fall" }, family.Categories);
        Assert.Equal(new[] { "rise", "fall", "rise" }, family.ToStrings());
        Assert.Equal(new[] { 0.9, 0.2, 0.6 }, r.Var.Numeric("phi_rise"));
        Assert.Equal(new[] { 0.1, 0.8, 0.4 }, r.Var.Numeric("phi_fall"));
        var u = r.Uns.Get<UnsDictionary>(ResultsWriter.UnsKey);
        Assert.Equal("BasisDeVAE", u.Get<string>("model"));
        Assert.Equal(new[] { "rise", "fall" }, u.Get<string[]>("families"));
        Assert.Equal(results.CurveGrid, u.Get<double[]>("grid"));
        Assert.Equal(results.Curves, u.Get<double[,,]>("curves"));
    }

    [Fact]
    public void ResultsOfTheWrongShapeAreRefused()
    {
        var (data, results) = Fitted();
        Assert.Contains("4 cells", Assert.Throws<ArgumentException>(() => ResultsWriter.Annotate(data, results with { Latent = new double[3, 1] })).Message);
        Assert.Contains("3 genes × 2 families", Assert.Throws<ArgumentException>(() => ResultsWriter.Annotate(data, results with { FamilyProbabilities = new double[3, 3] })).Message);
        Assert.Contains("[4, 2, 3]", Assert.Throws<ArgumentException>(() => ResultsWriter.Annotate(data, results with { Curves = new double[4, 2, 2] })).Message);
        Assert.Throws<ArgumentException>(() => ResultsWriter.Annotate(data, results with { Assignments = new[] { 0, 2, 1 } }));
    }

    [Fact]
    public void ResultsGoIntoCsvFiles()
    {
        var (data, results) = Fitted();
        var dir = PathOf("csv");
        ResultsWriter.WriteCsv(dir, data, results);
        var cells = DelimitedTextReader.Read(Path.Combine(dir, "cells.csv"));
        Assert.Equal(data.ObsNames, cells.ObsNames);
        Assert.Equal(new[] { "pseudotime", "z_1", "z_2" }, cells.VarNames);
        Assert.Equal(0.5f, cells.X[0, 2]);
        var genes = File.ReadAllLines(Path.Combine(dir, "genes.csv"));
        Assert.Equal("gene,family,phi_rise,phi_fall", genes[0]);
        Assert.Equal("Sox2,fall,0.2,0.8", genes[2]);
        var curves = DelimitedTextReader.Read(Path.Combine(dir, "curves.csv"));
        Assert.Equal(new[] { "z", "Actb", "Sox2", "Nes" }, curves.VarNames);
        Assert.Equal(4, curves.ObsCount);
        Assert.Equal(3 + 10 + 100, curves.X[3, 2]);   // g = 3, Sox2's family 'fall' (k = 1), j = 1
    }

    [Fact]
    public void GeneParametersGoIntoVarAndGenesCsvAndWrongOnesAreRefused()
    {
        var (data, results) = Fitted();
        results = results with { GeneParameters = new (string, double[])[] { ("fall.z0", new[] { -0.5, 0.25, 1.5 }), ("rise.x0", new[] { 1.0, 2, 3 }) } };
        var p = PathOf("params.h5ad");
        ResultsWriter.WriteH5ad(p, data, results);
        var r = H5adReader.Read(p);
        Assert.Equal(new[] { -0.5, 0.25, 1.5 }, r.Var.Numeric("fall.z0"));
        Assert.Equal(new[] { 1.0, 2, 3 }, r.Var.Numeric("rise.x0"));
        var dir = PathOf("params");
        ResultsWriter.WriteCsv(dir, data, results);
        var genes = File.ReadAllLines(Path.Combine(dir, "genes.csv"));
        Assert.Equal("gene,family,phi_rise,phi_fall,fall.z0,rise.x0", genes[0]);
        Assert.Equal("Sox2,fall,0.2,0.8,0.25,2", genes[2]);

        Assert.Contains("'fall.z0' has 2 values for 3 genes", Assert.Throws<ArgumentException>(() => ResultsWriter.Annotate(data,
            results with { GeneParameters = new (string, double[])[] { ("fall.z0", new[] { 1.0, 2 }) } })).Message);
        Assert.Contains("'phi_rise' repeats", Assert.Throws<ArgumentException>(() => ResultsWriter.Annotate(data,
            results with { GeneParameters = new (string, double[])[] { ("phi_rise", new[] { 1.0, 2, 3 }) } })).Message);
    }

    [Fact]
    public void CsvWriterRoundTripsThroughReader()
    {
        var a = new AnnData(new DenseMatrix(2, 2, new[] { 0.1f, -2f, 1e-7f, 3.25f }), new[] { "r\"1", "r2" }, new[] { "a,b", "c" });
        var p = PathOf("m.csv");
        CsvWriter.WriteMatrix(p, a);
        var back = DelimitedTextReader.Read(p);
        Assert.Equal(a.VarNames, back.VarNames);
        Assert.Equal(a.ObsNames, back.ObsNames);
        Assert.Equal(a.X.ToArray(), back.X.ToArray());
        var sparse = new AnnData(CsrMatrix.FromDense(a.X));
        CsvWriter.WriteMatrix(p, sparse);
        Assert.Equal(a.X.ToArray(), DelimitedTextReader.Read(p).X.ToArray());
        var q = PathOf("t.csv");
        CsvWriter.Write(q, new[] { "x", "y" }, new[] { new[] { "1", "a b" } });
        Assert.Equal("x,y\n1,a b\n", File.ReadAllText(q).Replace("\r\n", "\n"));
        Assert.Throws<ArgumentException>(() => CsvWriter.Write(q, new[] { "x" }, new[] { new[] { "1", "2" } }));
        Assert.Equal("x,y\n1,a b\n", File.ReadAllText(q).Replace("\r\n", "\n"));   // a failed write leaves the old file
        Assert.Single(Directory.GetFiles(Dir, "t.csv*", SearchOption.TopDirectoryOnly));
        Assert.Empty(Directory.GetFiles(Dir, ".t.csv*"));
    }

    [Fact]
    public void OutputDirectoryIsAllOrNothing()
    {
        var dest = PathOf("out");
        using (var o = OutputDirectory.Begin(dest))
        {
            File.WriteAllText(o.PathFor("a.txt"), "1");
            File.WriteAllText(o.PathFor(Path.Combine("sub", "b.txt")), "2");
            Assert.False(Directory.Exists(dest));
            o.Commit();
        }
        Assert.Equal("2", File.ReadAllText(Path.Combine(dest, "sub", "b.txt")));
        using (var o = OutputDirectory.Begin(dest))
        {
            File.WriteAllText(o.PathFor("a.txt"), "changed");
            // not committed: a failure
        }
        Assert.Equal("1", File.ReadAllText(Path.Combine(dest, "a.txt")));
        Assert.Single(Directory.GetDirectories(Dir));
        Assert.Throws<ArgumentException>(() => OutputDirectory.Begin(dest).PathFor("../x"));
        var file = Write("file.txt", "x");
        Assert.Throws<IOException>(() => OutputDirectory.Begin(file));
    }
}
