using System.IO;
using Xunit;

namespace DerivSpec.Data.Tests;

public sealed class MatrixMarketTests : TempDirTests
{
    private const string Genes3Cells2 = "%%MatrixMarket matrix coordinate integer general\n% comment\n3 2 3\n1 1 5\n3 1 2\n2 2 7\n";

    [Fact]
    public void CoordinateFileBecomesCsr()
    {
        var m = MatrixMarketReader.Read(Write("m.mtx", Genes3Cells2));
        Assert.True(m.X.IsSparse);
        Assert.Equal(new double[,] { { 5, 0 }, { 0, 7 }, { 2, 0 } }, m.X.ToArray());
        var t = MatrixMarketReader.Read(Write("t.mtx", Genes3Cells2), transpose: true);
        Assert.Equal(new double[,] { { 5, 0, 2 }, { 0, 7, 0 } }, t.X.ToArray());
        var sym = MatrixMarketReader.Read(Write("s.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 1.5\n2 1 3\n"));
        Assert.Equal(new double[,] { { 1.5, 3 }, { 3, 0 } }, sym.X.ToArray());
        var pat = MatrixMarketReader.Read(Write("p.mtx", "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n2 2\n"));
        Assert.Equal(new double[,] { { 0, 0 }, { 0, 1 } }, pat.X.ToArray());
        var arr = MatrixMarketReader.Read(Write("a.mtx", "%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n4\n5\n6\n"));
        Assert.False(arr.X.IsSparse);
        Assert.Equal(new double[,] { { 1, 3, 5 }, { 2, 4, 6 } }, arr.X.ToArray());
    }

    [Fact]
    public void TenXFolderWithNamesPlainAndGzipped()
    {
        foreach (var gz in new[] { false, true })
        {
            var dir = Path.Combine(Dir, gz ? "gz" : "plain");
            Directory.CreateDirectory(dir);
            string W(string name, string text) => gz ? WriteGz(Path.Combine(dir, name + ".gz"), text) : Write(Path.Combine(dir, name), text);
            var mtx = W("matrix.mtx", Genes3Cells2);
            W("features.tsv", "ENS1\tGeneA\tGene Expression\nENS2\tGeneB\tGene Expression\nENS3\tGeneC\tGene Expression\n");
            W("barcodes.tsv", "AAAC-1\nTTTG-1\n");
            foreach (var t in new[] { AnnDataReader.Read(dir), AnnDataReader.Read(mtx) })
            {
                Assert.True(t.X.IsSparse);
                Assert.Equal(2, t.ObsCount);   // cells
                Assert.Equal(3, t.VarCount);   // genes
                Assert.Equal(new[] { "GeneA", "GeneB", "GeneC" }, t.VarNames);
                Assert.Equal(new[] { "AAAC-1", "TTTG-1" }, t.ObsNames);
                Assert.Equal(new[] { "ENS1", "ENS2", "ENS3" }, t.Var.Strings("gene_ids"));
                Assert.Equal("Gene Expression", t.Var.Strings("feature_types")[0]);
                Assert.Equal(new double[,] { { 5, 0, 2 }, { 0, 7, 0 } }, t.X.ToArray());
            }
        }
    }

    [Fact]
    public void PrefixedTenXFilesAndGenesTsv()
    {
        var dir = Path.Combine(Dir, "gsm");
        Write(Path.Combine(dir, "GSM1_matrix.mtx"), Genes3Cells2);
        Write(Path.Combine(dir, "GSM1_genes.tsv"), "ENS1\tA\nENS2\tB\nENS3\tC\n");
        Write(Path.Combine(dir, "GSM1_barcodes.tsv"), "x\ny\n");
        var t = AnnDataReader.Read(dir);
        Assert.Equal(new[] { "A", "B", "C" }, t.VarNames);
        Assert.Equal(new[] { "x", "y" }, t.ObsNames);
    }

    [Fact]
    public void BareMtxKeepsItsOrientationUnlessAsked()
    {
        var p = Write(Path.Combine("bare", "m.mtx"), Genes3Cells2);
        Assert.Equal(3, AnnDataReader.Read(p).ObsCount);
        Assert.Equal(2, AnnDataReader.Read(p, new AnnDataReadOptions { TransposeMatrixMarket = true }).ObsCount);
    }

    [Fact]
    public void ErrorsNamePosition()
    {
        var e1 = Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b1.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1.0\n")));
        Assert.Equal(3, e1.Line);
        Assert.Contains("row index '3'", e1.Message);
        Assert.Contains("announces 2 entries", Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b2.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n"))).Message);
        Assert.Contains("holds more", Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b5.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1.0\n2 2 1\n"))).Message);
        Assert.Contains("not a Matrix Market", Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b3.mtx", "hello\n"))).Message);
        var e4 = Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b4.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n")));
        Assert.Equal(3, e4.Column);
        Assert.Contains("'abc' is not a number", e4.Message);
        var dir = Path.Combine(Dir, "badx");
        Write(Path.Combine(dir, "matrix.mtx"), Genes3Cells2);
        Write(Path.Combine(dir, "barcodes.tsv"), "only-one\n");
        Assert.Contains("lists 1 barcodes but", Assert.Throws<DataFormatException>(() => AnnDataReader.Read(dir)).Message);
        Assert.Contains("convert to .h5ad", Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("x.h5", ""))).Message);
    }
}
