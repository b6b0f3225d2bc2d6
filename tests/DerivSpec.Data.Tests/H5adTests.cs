using System;
using System.IO;
using System.Linq;
using PureHDF;
using Xunit;

namespace DerivSpec.Data.Tests;

public sealed class H5adTests : TempDirTests
{
    private static readonly double[,] Counts =
    {
        { 1, 0, 0, 3, 0 }, { 3, 1, 1, 2, 0 }, { 0, 0, 2, 3, 9 }, { 0, 0, 0, 0, 1 }, { 4, 0, 0, 0, 0 }, { 0, 6, 0, 0, 2 }, { 1, 1, 1, 1, 1 },
    };

    public H5adTests() => H5adReader.SlabElements = 3;   // every read crosses slab boundaries

    private static AnnData Annotated(bool sparse)
    {
        var obs = Enumerable.Range(0, 7).Select(i => $"cell-{i}").ToArray();
        var genes = new[] { "Actb", "Gapdh", "Sox2", "Nes", "Ünïcode" };
        var a = AnnData.FromArray(Counts, obs, genes);
        if (sparse) a = new AnnData(CsrMatrix.FromDense(a.X), obs, genes);
        a.Obs.Set("time", new[] { 0.1, 0.2, double.NaN, 0.4, 0.5, 0.6, 0.7 });
        a.Obs.Set("batch", new double[] { 1, 1, 2, 2, 3, 3, 3 }, NumericKind.Integer);
        a.Obs.Set("maybe", new[] { 1, double.NaN, 3, 4, 5, 6, 7 }, NumericKind.Integer);
        a.Obs.Set("qc", new double[] { 1, 0, 1, 1, 0, 1, 1 }, NumericKind.Boolean);
        a.Obs.Set("note", new[] { "a", "b", "c", "d", "e", "f", "g" });
        a.Obs.Set("tissue", new[] { "liver", null, "lung", "liver", "lung", "liver", "lung" });
        a.Obs.Set("stage", new CategoricalColumn(new[] { 0, 1, 2, 2, 1, 0, -1 }, new[] { "early", "mid", "late" }, ordered: true));
        a.Var.Set("family", CategoricalColumn.FromValues(new[] { "rise", "fall", "rise", "peak", "fall" }));
        a.Var.Set("mean", new[] { 1.0, 2, 3, 4, 5 });
        a.Obsm["X_derivspec"] = new double[,] { { 1 }, { 2 }, { 3 }, { 4 }, { 5 }, { 6 }, { 7 } };
        a.Varm["loadings"] = new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 }, { 9, 10 } };
        var d = a.Uns.GetOrAddDictionary("derivspec");
        d["model"] = "BasisDeVAE";
        d["grid"] = new[] { -1.0, 0, 1 };
        var curves = new double[3, 2, 5];
        for (int g = 0; g < 3; g++) for (int k = 0; k < 2; k++) for (int j = 0; j < 5; j++) curves[g, k, j] = g * 100 + k * 10 + j;
        d["curves"] = curves;
        d["families"] = new[] { "rise", "fall" };
        d["epochs"] = 300L;
        d["converged"] = true;
        d["elbo"] = -12.5;
        d.GetOrAddDictionary("nested")["m"] = new double[,] { { 1, 2, 3 } };
        a.Layers["counts"] = CsrMatrix.FromDense(a.X);
        return a;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripKeepsEverything(bool sparse)
    {
        var a = Annotated(sparse);
        var p = PathOf(sparse ? "csr.h5ad" : "dense.h5ad");
        H5adWriter.Write(a, p);
        var b = AnnDataReader.Read(p, new AnnDataReadOptions { H5ad = new H5adReadOptions { LoadLayers = true } });
        Assert.Equal(sparse, b.X.IsSparse);
        Assert.Equal(a.X.ToArray(), b.X.ToArray());
        Assert.Equal(a.ObsNames, b.ObsNames);
        Assert.Equal(a.VarNames, b.VarNames);
        Assert.True(b.HasObsNames);
        Assert.Equal(a.Obs.Names, b.Obs.Names);
        Assert.Equal(a.Obs.Numeric("time"), b.Obs.Numeric("time"));
        Assert.Equal(NumericKind.Integer, ((NumericColumn)b.Obs["batch"]).Kind);
        Assert.Equal(new double[] { 1, 1, 2, 2, 3, 3, 3 }, b.Obs.Numeric("batch"));
        Assert.True(double.IsNaN(b.Obs.Numeric("maybe")[1]));
        Assert.Equal(7, b.Obs.Numeric("maybe")[6]);
        Assert.Equal(NumericKind.Boolean, ((NumericColumn)b.Obs["qc"]).Kind);
        Assert.Equal(new double[] { 1, 0, 1, 1, 0, 1, 1 }, b.Obs.Numeric("qc"));
        Assert.IsType<StringColumn>(b.Obs["note"]);
        Assert.Equal(a.Obs.Strings("note"), b.Obs.Strings("note"));
        Assert.Equal(a.Obs.Strings("tissue"), b.Obs.Strings("tissue"));   // missing text survives (as a categorical)
        var stage = Assert.IsType<CategoricalColumn>(b.Obs["stage"]);
        Assert.True(stage.Ordered);
        Assert.Equal(new[] { "early", "mid", "late" }, stage.Categories);
        Assert.Equal(new[] { 0, 1, 2, 2, 1, 0, -1 }, stage.Codes.ToArray());
        var family = Assert.IsType<CategoricalColumn>(b.Var["family"]);
        Assert.False(family.Ordered);
        Assert.Equal(new[] { "rise", "fall", "rise", "peak", "fall" }, family.ToStrings());
        Assert.Equal(a.Obsm["X_derivspec"], b.Obsm["X_derivspec"]);
        Assert.Equal(a.Varm["loadings"], b.Varm["loadings"]);
        var d = b.Uns.Get<UnsDictionary>("derivspec");
        Assert.Equal("BasisDeVAE", d.Get<string>("model"));
        Assert.Equal(new[] { -1.0, 0, 1 }, d.Get<double[]>("grid"));
        Assert.Equal(a.Uns.Get<UnsDictionary>("derivspec").Get<double[,,]>("curves"), d.Get<double[,,]>("curves"));
        Assert.Equal(new[] { "rise", "fall" }, d.Get<string[]>("families"));
        Assert.Equal(300L, d.Get<long>("epochs"));
        Assert.Equal(-12.5, d.Get<double>("elbo"));
        Assert.Equal(new double[,] { { 1, 2, 3 } }, d.Get<UnsDictionary>("nested").Get<double[,]>("m"));
        Assert.True(b.Layers["counts"].IsSparse);
        Assert.Equal(a.X.ToArray(), b.Layers["counts"].ToArray());
    }

    [Fact]
    public void WrittenFileHasTheAttributesAnndataNeeds()
    {
        var p = PathOf("attrs.h5ad");
        H5adWriter.Write(Annotated(sparse: true), p);
        using var f = H5File.OpenRead(p);
        static string S(IH5Object o, string name) => o.Attribute(name).Read<string>();
        Assert.Equal("anndata", S(f, "encoding-type"));
        Assert.Equal("0.1.0", S(f, "encoding-version"));
        var x = f.Group("X");
        Assert.Equal("csr_matrix", S(x, "encoding-type"));
        Assert.Equal("0.1.0", S(x, "encoding-version"));
        Assert.Equal(new long[] { 7, 5 }, x.Attribute("shape").Read<long[]>());
        Assert.Equal(4, x.Dataset("data").Type.Size);
        Assert.Equal(H5DataTypeClass.FloatingPoint, x.Dataset("data").Type.Class);
        Assert.Equal(4, x.Dataset("indices").Type.Size);
        Assert.Equal(8, x.Dataset("indptr").Type.Size);
        foreach (var frame in new[] { "obs", "var" })
        {
            var g = f.Group(frame);
            Assert.Equal("dataframe", S(g, "encoding-type"));
            Assert.Equal("0.2.0", S(g, "encoding-version"));
            Assert.Equal("_index", S(g, "_index"));
            Assert.Equal(0, g.Attribute("_index").Space.Rank);   // a scalar string, not an array
            var index = g.Dataset("_index");
            Assert.Equal("string-array", S(index, "encoding-type"));
            Assert.Equal(H5DataTypeClass.VariableLength, index.Type.Class);
        }
        Assert.Equal(new[] { "time", "batch", "maybe", "qc", "note", "tissue", "stage" }, f.Group("obs").Attribute("column-order").Read<string[]>());
        var stage = f.Group("obs/stage");
        Assert.Equal("categorical", S(stage, "encoding-type"));
        Assert.Equal("0.2.0", S(stage, "encoding-version"));
        Assert.Equal(H5DataTypeClass.Enumerated, stage.Attribute("ordered").Type.Class);   // h5py's bool
        Assert.Equal(H5DataTypeClass.FixedPoint, stage.Dataset("codes").Type.Class);
        Assert.Equal("string-array", S(stage.Dataset("categories"), "encoding-type"));
        Assert.Equal("array", S(f.Dataset("obs/time"), "encoding-type"));
        Assert.Equal(H5DataTypeClass.Enumerated, f.Dataset("obs/qc").Type.Class);
        Assert.Equal("nullable-integer", S(f.Group("obs/maybe"), "encoding-type"));
        foreach (var dict in new[] { "obsm", "varm", "layers", "obsp", "varp", "uns", "uns/derivspec" })
        {
            Assert.Equal("dict", S(f.Group(dict), "encoding-type"));
            Assert.Equal("0.1.0", S(f.Group(dict), "encoding-version"));
        }
        Assert.Equal("string", S(f.Dataset("uns/derivspec/model"), "encoding-type"));
        Assert.Equal(0, f.Dataset("uns/derivspec/model").Space.Rank);
        Assert.Equal("numeric-scalar", S(f.Dataset("uns/derivspec/epochs"), "encoding-type"));
        Assert.Equal("array", S(f.Dataset("uns/derivspec/curves"), "encoding-type"));
        Assert.Equal(new ulong[] { 3, 2, 5 }, f.Dataset("uns/derivspec/curves").Space.Dimensions);
        Assert.Equal("array", S(f.Dataset("obsm/X_derivspec"), "encoding-type"));
        var dense = PathOf("dense.h5ad");
        H5adWriter.Write(Annotated(sparse: false), dense);
        using var g2 = H5File.OpenRead(dense);
        Assert.Equal("array", S(g2.Dataset("X"), "encoding-type"));
        Assert.Equal(new ulong[] { 7, 5 }, g2.Dataset("X").Space.Dimensions);
    }

    [Fact]
    public void ReadsCscWithoutDensifyingAndIntegerData()
    {
        // CSC of Counts: column by column, written as h5py would (int32 pointers, int64 counts).
        int n = Counts.GetLength(0), d = Counts.GetLength(1);
        var data = new System.Collections.Generic.List<long>();
        var rows = new System.Collections.Generic.List<int>();
        var ptr = new System.Collections.Generic.List<int> { 0 };
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < n; i++)
                if (Counts[i, j] != 0) { data.Add((long)Counts[i, j]); rows.Add(i); }
            ptr.Add(data.Count);
        }
        var x = new H5Group { ["data"] = data.ToArray(), ["indices"] = rows.ToArray(), ["indptr"] = ptr.ToArray() };
        x.Attributes["encoding-type"] = "csc_matrix";
        x.Attributes["encoding-version"] = "0.1.0";
        x.Attributes["shape"] = new long[] { n, d };
        var file = new H5File { ["X"] = x };
        var p = PathOf("csc.h5ad");
        file.Write(p);
        var a = H5adReader.Read(p);
        var csr = Assert.IsType<CsrMatrix>(a.X);
        Assert.Equal(Counts, a.X.ToArray());
        Assert.Equal(data.Count, csr.StoredValues);
        for (int i = 0; i < n; i++)   // columns sorted within rows
            for (long k = csr.IndPtr[i] + 1; k < csr.IndPtr[i + 1]; k++) Assert.True(csr.Indices[(int)k - 1] < csr.Indices[(int)k]);
        Assert.Equal("cell_1", a.ObsNames[0]);   // no obs group: generated names
    }

    [Fact]
    public void ReadsDenseFloat64AndInt64AndLayerAsX()
    {
        int n = Counts.GetLength(0), d = Counts.GetLength(1);
        var ints = new long[n, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) ints[i, j] = (long)Counts[i, j] * 2;
        var file = new H5File { ["X"] = Counts, ["layers"] = new H5Group { ["raw"] = ints } };
        var p = PathOf("f64.h5ad");
        file.Write(p);
        Assert.Equal(Counts, H5adReader.Read(p).X.ToArray());
        var layer = H5adReader.Read(p, new H5adReadOptions { Layer = "raw" });
        Assert.Equal(Counts[2, 4] * 2, layer.X[2, 4]);
        var e = Assert.Throws<DataFormatException>(() => H5adReader.Read(p, new H5adReadOptions { Layer = "spliced" }));
        Assert.Contains("no layer 'spliced'", e.Message);
        Assert.Contains("'raw'", e.Message);
    }

    [Fact]
    public void ReadsTheAnndata07Layout()
    {
        // anndata 0.7: sparse X marked by h5sparse_* attributes; categorical obs columns are codes whose
        // 'categories' attribute references a dataset in obs/__categories.
        int n = 3;
        var cats = new H5Dataset(new[] { "B cell", "T cell" });
        var codes = new H5Dataset(new sbyte[] { 1, 0, 1 });
        codes.Attributes["categories"] = new H5ObjectReference(cats);
        var obs = new H5Group   // PureHDF writes a reference only to an object written before it: __categories first
        {
            ["__categories"] = new H5Group { ["cell_type"] = cats },
            ["index"] = new[] { "a", "b", "c" },
            ["cell_type"] = codes,
            ["n_genes"] = new long[] { 10, 20, 30 },
        };
        obs.Attributes["_index"] = "index";
        obs.Attributes["column-order"] = new[] { "cell_type", "n_genes" };
        obs.Attributes["encoding-type"] = "dataframe";
        obs.Attributes["encoding-version"] = "0.1.0";
        var x = new H5Group { ["data"] = new float[] { 1, 2 }, ["indices"] = new[] { 0, 1 }, ["indptr"] = new long[] { 0, 1, 1, 2 } };
        x.Attributes["h5sparse_format"] = "csr";
        x.Attributes["h5sparse_shape"] = new long[] { n, 2 };
        var file = new H5File { ["X"] = x, ["obs"] = obs };
        var p = PathOf("v07.h5ad");
        file.Write(p);
        var a = H5adReader.Read(p);
        Assert.Equal(new double[,] { { 1, 0 }, { 0, 0 }, { 0, 2 } }, a.X.ToArray());
        Assert.Equal(new[] { "a", "b", "c" }, a.ObsNames);
        Assert.Equal(new[] { "T cell", "B cell", "T cell" }, a.Obs.Strings("cell_type"));
        Assert.Equal(new double[] { 10, 20, 30 }, a.Obs.Numeric("n_genes"));
    }

    [Fact]
    public void BadFilesAreLocatedErrors()
    {
        var notHdf = Write("text.h5ad", "hello");
        Assert.Contains("not a readable HDF5 file", Assert.Throws<DataFormatException>(() => AnnDataReader.Read(notHdf)).Message);
        var noX = PathOf("nox.h5ad");
        new H5File { ["obs"] = new H5Group() }.Write(noX);
        Assert.Contains("there is no X", Assert.Throws<DataFormatException>(() => H5adReader.Read(noX)).Message);
        var badIndex = PathOf("badindex.h5ad");
        var obs = new H5Group { ["_index"] = new[] { "a" } };
        obs.Attributes["_index"] = "_index";
        new H5File { ["X"] = new float[2, 2], ["obs"] = obs }.Write(badIndex);
        var e = Assert.Throws<DataFormatException>(() => H5adReader.Read(badIndex));
        Assert.Contains("/obs/_index", e.Message);
        Assert.Contains("has 1 names; obs needs 2", e.Message);
        var badIdx = PathOf("badidx.h5ad");
        var x = new H5Group { ["data"] = new float[] { 1 }, ["indices"] = new[] { 5 }, ["indptr"] = new long[] { 0, 1 } };
        x.Attributes["encoding-type"] = "csr_matrix";
        x.Attributes["shape"] = new long[] { 1, 2 };
        new H5File { ["X"] = x }.Write(badIdx);
        Assert.Contains("/X/indices: index 5 at entry 0 is outside 0..1", Assert.Throws<DataFormatException>(() => H5adReader.Read(badIdx)).Message);
    }

    [Fact]
    public void StreamingCsrWriterMatchesTheInMemoryWriter()
    {
        var rng = new Random(7);
        int n = 40, d = 30;
        var rows = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Where(_ => rng.NextDouble() < 0.2).ToArray()).ToArray();
        rows[5] = Array.Empty<int>();
        var vals = rows.Select(r => r.Select(_ => (float)rng.Next(1, 9)).ToArray()).ToArray();
        long nnz = rows.Sum(r => r.Length);
        var p = PathOf("stream.h5ad");
        using (var w = new H5adCsrWriter(p, n, d, nnz, varNames: Enumerable.Range(0, d).Select(j => $"g{j}").ToArray()))
        {
            for (int i = 0; i < n; i++) w.AppendRow(rows[i], vals[i]);
            Assert.False(File.Exists(p));
            w.Complete();
        }
        var a = H5adReader.Read(p);
        Assert.Equal(nnz, a.X.StoredValues);
        Assert.Equal("g29", a.VarNames[29]);
        Assert.Equal("cell_40", a.ObsNames[39]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                int k = Array.IndexOf(rows[i], j);
                Assert.Equal(k < 0 ? 0f : vals[i][k], a.X[i, j]);
            }
        var q = PathOf("incomplete.h5ad");
        using (var w = new H5adCsrWriter(q, 2, 2, 2))
        {
            w.AppendRow(new[] { 0 }, new[] { 1f });
            Assert.Throws<InvalidOperationException>(() => w.Complete());
            Assert.Throws<InvalidOperationException>(() => w.AppendRow(new[] { 0, 1 }, new[] { 1f, 2f }));
        }
        Assert.False(File.Exists(q));
        Assert.Empty(Directory.GetFiles(Dir, ".incomplete*"));
    }
}
