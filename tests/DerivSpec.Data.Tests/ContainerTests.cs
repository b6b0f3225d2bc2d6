using System;
using System.Linq;
using CsCheck;
using Xunit;

namespace DerivSpec.Data.Tests;

public sealed class ContainerTests
{
    private static readonly double[,] Counts = { { 1, 0, 0, 3 }, { 3, 1, 1, 2 }, { 0, 0, 2, 3 } };

    [Fact]
    public void FactoriesKeepValuesAndGenerateNames()
    {
        var a = AnnData.FromArray(Counts);
        Assert.Equal(3, a.ObsCount);
        Assert.Equal(4, a.VarCount);
        Assert.False(a.X.IsSparse);
        Assert.Equal(12, a.X.StoredValues);
        Assert.Equal(new[] { "cell_1", "cell_2", "cell_3" }, a.ObsNames);
        Assert.Equal("feature_4", a.VarNames[3]);
        Assert.False(a.HasObsNames);
        Assert.Equal(2f, a.X[2, 2]);
        var f = AnnData.FromArray(new float[,] { { 1.5f, 2 } }, new[] { "c" }, new[] { "g1", "g2" });
        Assert.Equal(1.5f, f.X[0, 0]);
        Assert.True(f.HasVarNames);
        var rows = AnnData.FromRows(new[] { new double[] { 1, 2 }, new double[] { 3, 4 } });
        Assert.Equal(new[,] { { 1.0, 2 }, { 3, 4 } }, rows.X.ToArray());
        var csr = AnnData.FromCsr(2, 3, new float[] { 5, 7 }, new[] { 2, 0 }, new[] { 0, 1, 2 });
        Assert.True(csr.X.IsSparse);
        Assert.Equal(new[,] { { 0.0, 0, 5 }, { 7, 0, 0 } }, csr.X.ToArray());
    }

    [Fact]
    public void BadShapesAndNamesAreRefused()
    {
        Assert.Contains("row 1 has 2 values but row 0 has 3",
            Assert.Throws<DataValidationException>(() => AnnData.FromRows(new[] { new double[] { 1, 2, 3 }, new double[] { 1, 2 } })).Message);
        Assert.Contains("no rows", Assert.Throws<DataValidationException>(() => AnnData.FromArray(new double[0, 4])).Message);
        Assert.Contains("no columns", Assert.Throws<DataValidationException>(() => AnnData.FromArray(new float[3, 0])).Message);
        Assert.Contains("no rows", Assert.Throws<DataValidationException>(() => AnnData.FromRows(Array.Empty<double[]>())).Message);
        Assert.Contains("2 variable (column) names were given for 4",
            Assert.Throws<DataValidationException>(() => AnnData.FromArray(Counts, varNames: new[] { "a", "b" })).Message);
        var lib = Assert.Throws<DataValidationException>(() => AnnData.FromArray(Counts, new[] { "a", "b", "c" }, librarySizes: new[] { 1.0, 0.0, 2 }));
        Assert.Contains("cell 'b' (row 1) is 0", lib.Message);
        Assert.Throws<ArgumentException>(() => AnnData.FromCsr(2, 3, new float[] { 1 }, new[] { 3 }, new[] { 0, 1, 1 }));
        Assert.Throws<ArgumentException>(() => AnnData.FromCsr(2, 3, new float[] { 1 }, new[] { 0 }, new[] { 0, 1, 0 }));
    }

    [Theory]
    [InlineData(ValueSupport.Counts, 2.5, "is not an integer")]
    [InlineData(ValueSupport.Counts, -1.0, "is negative")]
    [InlineData(ValueSupport.NonNegative, -0.5, "is negative")]
    [InlineData(ValueSupport.Real, double.NaN, "not a finite number")]
    [InlineData(ValueSupport.Real, double.PositiveInfinity, "not a finite number")]
    [InlineData(ValueSupport.Binary, 2.0, "neither 0 nor 1")]
    public void ValidationNamesCellAndGeneForDenseAndSparse(ValueSupport support, double bad, string why)
    {
        var x = new double[,] { { 0, 1, 1, 0 }, { 1, 0, 0, 1 }, { 0, 1, 0, 0 } };
        x[1, 3] = bad;
        x[2, 0] = bad;   // a later bad value: the first one is reported
        var names = new[] { "AAAC", "TTTG", "GGGA" };
        var genes = new[] { "Actb", "Gapdh", "Sox2", "Nes" };
        foreach (var sparse in new[] { false, true })
        {
            var a = AnnData.FromArray(x, names, genes);
            if (sparse) a = new AnnData(CsrMatrix.FromDense(a.X), names, genes);
            var e = Assert.Throws<DataValidationException>(() => a.Validate(support, 4));
            Assert.Contains("cell 'TTTG' (row 1), gene 'Nes' (column 3)", e.Message);
            Assert.Contains(why, e.Message);
            Assert.Equal(1, e.Row);
            Assert.Equal(3, e.Column);
            Assert.Equal("TTTG", e.ObservationName);
            Assert.Equal("Nes", e.VariableName);
            Assert.False(a.IsValidated(support));
        }
    }

    [Fact]
    public void ValidationIsCachedAndStrongerSupportsCoverWeakerOnes()
    {
        var a = AnnData.FromArray(new double[,] { { 0, 1 }, { 1, 1 } });
        Assert.False(a.IsValidated(ValueSupport.Real));
        a.Validate(ValueSupport.Binary, 2);
        Assert.True(a.IsValidated(ValueSupport.Counts));
        Assert.True(a.IsValidated(ValueSupport.Real));
        var r = AnnData.FromArray(new double[,] { { 0.5, -1 } });
        r.Validate(ValueSupport.Real, 2);
        Assert.True(r.IsValidated(ValueSupport.Real));
        Assert.False(r.IsValidated(ValueSupport.NonNegative));
        Assert.Throws<DataValidationException>(() => r.Validate(ValueSupport.NonNegative, 2));
        // the variable count is checked on every call
        Assert.Contains("2 variables", Assert.Throws<DataValidationException>(() => a.Validate(ValueSupport.Real, 3)).Message);
        // a subset of validated data is validated
        Assert.True(a.SelectObs(new[] { 1 }).IsValidated(ValueSupport.Counts));
    }

    [Fact]
    public void SelectObsKeepsNamesColumnsEmbeddingsAndLibrarySizes()
    {
        var a = AnnData.FromArray(Counts, new[] { "a", "b", "c" }, new[] { "g1", "g2", "g3", "g4" }, librarySizes: new[] { 10.0, 20, 30 });
        a.Obs.Set("t", new[] { 0.1, 0.2, 0.3 });
        a.Obs.Set("label", CategoricalColumn.FromValues(new[] { "x", "y", "x" }));
        a.Var.Set("family", new[] { "rise", "fall", "rise", "peak" });
        a.Obsm["X_pca"] = new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } };
        a.Uns["note"] = "kept";
        foreach (var x in new ExpressionMatrix[] { a.X, CsrMatrix.FromDense(a.X) })
        {
            var b = new AnnData(x, a.ObsNames, a.VarNames, new[] { 10.0, 20, 30 });
            foreach (var c in a.Obs) b.Obs.Set(c.Key, c.Value);
            foreach (var c in a.Var) b.Var.Set(c.Key, c.Value);
            b.Obsm["X_pca"] = a.Obsm["X_pca"];
            var s = b.SelectObs(new[] { 2, 0 });
            Assert.Equal(x.IsSparse, s.X.IsSparse);
            Assert.Equal(new[] { "c", "a" }, s.ObsNames);
            Assert.Equal(new[] { 0.3, 0.1 }, s.Obs.Numeric("t"));
            Assert.Equal(new[] { "x", "x" }, s.Obs.Strings("label"));
            Assert.Equal("peak", s.Var.Strings("family")[3]);
            Assert.Equal(new double[,] { { 5, 6 }, { 1, 2 } }, s.Obsm["X_pca"]);
            Assert.Equal(new[] { 30.0, 10 }, s.LibrarySizes);
            Assert.Equal(new double[,] { { 0, 0, 2, 3 }, { 1, 0, 0, 3 } }, s.X.ToArray());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => a.SelectObs(new[] { 3 }));
    }

    [Fact]
    public void LibrarySizesDefaultToRowSums()
    {
        var a = AnnData.FromArray(Counts);
        Assert.Equal(new[] { 4.0, 7, 5 }, a.LibrarySizesOrRowSums().ToArray());
        Assert.Equal(new[] { 4.0, 7, 5 }, CsrMatrix.FromDense(a.X).RowSums());
        var b = AnnData.FromArray(Counts, librarySizes: new[] { 1.0, 2, 3 });
        Assert.Equal(new[] { 1.0, 2, 3 }, b.LibrarySizesOrRowSums().ToArray());
    }

    [Fact]
    public void ColumnTableLookupsNameWhatIsMissing()
    {
        var t = new ColumnTable(2);
        t.Set("t", new[] { 1.0, 2 });
        t.Set("label", new[] { "a", "b" });
        Assert.Equal(new[] { "t", "label" }, t.Names);
        Assert.Contains("'t', 'label'", Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => t["time"]).Message);
        Assert.Contains("text, not numeric", Assert.Throws<InvalidOperationException>(() => t.Numeric("label")).Message);
        Assert.Throws<ArgumentException>(() => t.Set("short", new[] { 1.0 }));
        t.Set("t", new[] { 3.0, 4 });
        Assert.Equal(2, t.Count);
        Assert.Equal(new[] { "3", "4" }, t.Strings("t"));
        Assert.Throws<ArgumentException>(() => new CategoricalColumn(new[] { 0, 2 }, new[] { "a", "b" }));
        var c = CategoricalColumn.FromValues(new[] { "b", null, "a", "b" });
        Assert.Equal(new[] { "b", "a" }, c.Categories);
        Assert.Equal(new[] { 0, -1, 1, 0 }, c.Codes.ToArray());
    }

    [Fact]
    public void UnsRefusesWhatCannotBeWritten()
    {
        var u = new UnsDictionary { ["a"] = 1.0, ["s"] = "x", ["m"] = new double[2, 2] };
        Assert.Equal(new[] { "a", "s", "m" }, u.Keys);
        Assert.Throws<ArgumentException>(() => u["bad"] = new object());
        Assert.Throws<ArgumentException>(() => u["a/b"] = 1.0);
        Assert.Contains("not a String", Assert.Throws<InvalidCastException>(() => u.Get<string>("a")).Message);
        var m = new MatrixMap(3, "obsm");
        Assert.Contains("needs 3", Assert.Throws<ArgumentException>(() => m["x"] = new double[2, 1]).Message);
    }

    private static readonly Gen<(int N, int D, float[] Values, int[] Rows)> MatrixAndRows =
        Gen.Select(Gen.Int[1, 12], Gen.Int[1, 9]).SelectMany((n, d) =>
            Gen.Select(
                Gen.Int[0, 4].Select(v => v <= 2 ? 0f : v * 1.5f).Array[n * d],
                Gen.Int[0, n - 1].Array[0, 20]).Select((v, r) => (n, d, v, r)));

    [Fact]
    public void GatherRowsAgreesBetweenDenseAndCsr()
    {
        MatrixAndRows.Sample(t =>
        {
            var dense = new DenseMatrix(t.N, t.D, t.Values);
            var csr = CsrMatrix.FromDense(dense);
            var a = new float[t.Rows.Length * t.D + 3];
            var b = Enumerable.Repeat(-9f, a.Length).ToArray();   // CSR must clear what it does not store
            Array.Fill(a, -9f);
            dense.GatherRows(t.Rows, a);
            csr.GatherRows(t.Rows, b);
            Assert.Equal(a, b);
            for (int i = 0; i < t.Rows.Length; i++)
                for (int j = 0; j < t.D; j++)
                    Assert.Equal(t.Values[t.Rows[i] * t.D + j], a[i * t.D + j]);
            Assert.Equal(dense.RowSums(), csr.RowSums());
            Assert.Equal(dense.SelectRows(t.Rows).ToArray(), csr.SelectRows(t.Rows).ToArray());
            Assert.Equal(t.Values.Count(v => v != 0), csr.StoredValues);
        });
    }

    [Fact]
    public void GatherRowsChecksItsArguments()
    {
        var m = new DenseMatrix(2, 2, new float[] { 1, 2, 3, 4 });
        Assert.Throws<ArgumentOutOfRangeException>(() => m.GatherRows(new[] { 2 }, new float[2]));
        Assert.Throws<ArgumentException>(() => m.GatherRows(new[] { 0, 1 }, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CsrMatrix.FromDense(m).GatherRows(new[] { -1 }, new float[2]));
    }
}
