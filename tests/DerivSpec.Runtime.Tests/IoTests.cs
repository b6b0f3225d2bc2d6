using System;
using System.IO;
using System.IO.Compression;
using DerivSpec.Runtime.IO;
using Xunit;

namespace DerivSpec.Runtime.Tests;

public sealed class IoTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dspec-io-" + Guid.NewGuid().ToString("N"));

    public IoTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void ReadsCsvWithHeader()
    {
        var p = Write("a.csv", "g1,g2,g3\n1,2,3\n4.5,-6e-1,7\n\n");
        var m = CsvMatrixReader.Read(p);
        Assert.Equal(2, m.Rows);
        Assert.Equal(3, m.Columns);
        Assert.Equal(new[] { "g1", "g2", "g3" }, m.ColumnNames);
        Assert.Null(m.RowNames);
        Assert.Equal(-0.6f, m[1, 1]);
        Assert.Equal(7f, m[1, 2]);
    }

    [Fact]
    public void ReadsHeaderlessTabAndSemicolon()
    {
        var t = CsvMatrixReader.Read(Write("t.tsv", "1\t2\n3\t4\n"));
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, t.Values);
        Assert.Null(t.ColumnNames);
        var s = CsvMatrixReader.Read(Write("s.csv", "a;b\n1.5;2\n"));
        Assert.Equal(new[] { "a", "b" }, s.ColumnNames);
        Assert.Equal(new[] { 1.5f, 2f }, s.Values);
        var one = CsvMatrixReader.Read(Write("one.csv", "x\n1\n2\n3\n"));
        Assert.Equal(3, one.Rows);
        Assert.Equal(1, one.Columns);
    }

    [Fact]
    public void DetectsRowNamesWithEmptyCornerOrShortHeader()
    {
        var a = CsvMatrixReader.Read(Write("r.csv", "\"\",g1,g2\ncellA,1,2\ncellB,3,4\n"));
        Assert.Equal(new[] { "cellA", "cellB" }, a.RowNames);
        Assert.Equal(new[] { "g1", "g2" }, a.ColumnNames);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, a.Values);
        var b = CsvMatrixReader.Read(Write("r2.csv", "g1,g2\ncellA,1,2\ncellB,3,4\n"));
        Assert.Equal(new[] { "g1", "g2" }, b.ColumnNames);
        Assert.Equal(2, b.Columns);
        var c = CsvMatrixReader.Read(Write("r3.csv", "\"cell, one\",1,2\n"));
        Assert.Equal("cell, one", c.RowNames![0]);
    }

    [Fact]
    public void MalformedNumberNamesFileLineRowAndColumn()
    {
        var p = Write("bad.csv", "g1,g2,g3\n1,2,3\n4,x5,6\n");
        var e = Assert.Throws<DataFormatException>(() => CsvMatrixReader.Read(p));
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(2, e.Column);
        Assert.Equal("g2", e.ColumnName);
        Assert.Contains(p, e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 2", e.Message);
        Assert.Contains("'x5' is not a number", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("NA")]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
    public void NonFiniteCellIsRejectedWithPosition(string cell)
    {
        var p = Write("nan.csv", $"1,2\n3,{cell}\n");
        var e = Assert.Throws<DataFormatException>(() => CsvMatrixReader.Read(p));
        Assert.Equal(2, e.Line);
        Assert.Equal(2, e.Column);
    }

    [Fact]
    public void RaggedRowAndEmptyCellAndEmptyFile()
    {
        var ragged = Assert.Throws<DataFormatException>(() => CsvMatrixReader.Read(Write("rag.csv", "1,2,3\n4,5\n")));
        Assert.Equal(2, ragged.Line);
        Assert.Contains("2 columns where line 1 has 3", ragged.Message);
        var empty = Assert.Throws<DataFormatException>(() => CsvMatrixReader.Read(Write("ec.csv", "1,,3\n")));
        Assert.Equal(2, empty.Column);
        Assert.Contains("empty cell", empty.Message);
        var nothing = Assert.Throws<DataFormatException>(() => CsvMatrixReader.Read(Write("e.csv", "\n  \n")));
        Assert.Contains("empty", nothing.Message);
        var headerOnly = Assert.Throws<DataFormatException>(() => CsvMatrixReader.Read(Write("h.csv", "a,b\n")));
        Assert.Contains("no data rows", headerOnly.Message);
        var missing = Assert.Throws<DataFormatException>(() => CsvMatrixReader.Read(Path.Combine(_dir, "nope.csv")));
        Assert.Contains("not found", missing.Message);
        Assert.Contains("nope.csv", missing.Message);
    }

    [Fact]
    public void HeaderWidthMismatchIsReported()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvMatrixReader.Read(Write("hw.csv", "a,b,c,d\n1,2\n")));
        Assert.Contains("header", e.Message);
    }

    [Fact]
    public void ReadsGzip()
    {
        var p = Path.Combine(_dir, "z.csv.gz");
        using (var f = File.Create(p))
        using (var gz = new GZipStream(f, CompressionLevel.Fastest))
        using (var w = new StreamWriter(gz))
            w.Write("a,b\n1,2\n");
        Assert.Equal(new[] { 1f, 2f }, CsvMatrixReader.Read(p).Values);
    }

    [Fact]
    public void RowsRememberTheirLinesAndCountsAreChecked()
    {
        var p = Write("c.csv", "g1,g2\n1,2\n\n3,4.5\n");
        var m = CsvMatrixReader.Read(p);
        Assert.Equal(new[] { 2, 4 }, m.SourceLines);
        var e = Assert.Throws<DataFormatException>(() => m.RequireCounts());
        Assert.Equal(4, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(2, e.Column);
        Assert.Equal("g2", e.ColumnName);
        var sub = m.SelectRows(new[] { 1 });
        Assert.Equal(new[] { 4 }, sub.SourceLines);
        Assert.Equal(new[] { 3f, 4.5f }, sub.Values);
        CsvMatrixReader.Read(Write("ok.csv", "0,3\n7,0\n")).RequireCounts();
    }

    [Fact]
    public void RequireColumnsNamesFileAndCounts()
    {
        var m = CsvMatrixReader.Read(Write("w.csv", "1,2\n"));
        var e = Assert.Throws<DataFormatException>(() => m.RequireColumns(3, "the model was trained on 3"));
        Assert.Contains("w.csv", e.Message);
        Assert.Contains("2 features", e.Message);
    }

    [Fact]
    public void LabelsAndNumbers()
    {
        Assert.Equal(new[] { "inc", "dec", "tr" }, VectorReaders.ReadLabels(Write("l.txt", "family\ninc\ndec\n\ntr\n")));
        Assert.Equal(new[] { "1", "2", "1" }, VectorReaders.ReadLabels(Write("l2.csv", "g1,1\ng2,2\ng3,1\n")));
        Assert.Equal(new[] { "a", "b" }, VectorReaders.ReadLabels(Write("l3.csv", "a,b\n")));
        Assert.Equal(new[] { -1.5, 0, 2.25 }, VectorReaders.ReadNumbers(Write("t.csv", "t\n-1.5\n0\n2.25\n")));
        var e = Assert.Throws<DataFormatException>(() => VectorReaders.ReadNumbers(Write("tb.csv", "t\n1\nnan\n")));
        Assert.Equal(3, e.Line);
        Assert.Throws<DataFormatException>(() => VectorReaders.ReadLabels(Write("le.csv", "")));
    }

    [Fact]
    public void MatrixMarketCoordinateAndTenXFolder()
    {
        var mtx = Write("matrix.mtx", "%%MatrixMarket matrix coordinate integer general\n% comment\n3 2 3\n1 1 5\n3 1 2\n2 2 7\n");
        var m = MatrixMarketReader.Read(mtx);
        Assert.Equal(3, m.Rows);
        Assert.Equal(2, m.Columns);
        Assert.Equal(new[] { 5f, 0f, 0f, 7f, 2f, 0f }, m.Values);
        Write("features.tsv", "ENS1\tGeneA\tGene Expression\nENS2\tGeneB\tGene Expression\nENS3\tGeneC\tGene Expression\n");
        Write("barcodes.tsv", "AAAC-1\nTTTG-1\n");
        var t = MatrixMarketReader.ReadTenX(_dir);
        Assert.Equal(2, t.Rows); // cells
        Assert.Equal(3, t.Columns); // genes
        Assert.Equal(new[] { "GeneA", "GeneB", "GeneC" }, t.ColumnNames);
        Assert.Equal(new[] { "AAAC-1", "TTTG-1" }, t.RowNames);
        Assert.Equal(5f, t[0, 0]);
        Assert.Equal(2f, t[0, 2]);
        Assert.Equal(7f, t[1, 1]);
        Assert.Equal(t.Values, DataFiles.Load(mtx).Values);
    }

    [Fact]
    public void MatrixMarketErrorsNamePosition()
    {
        var e1 = Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b1.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1.0\n")));
        Assert.Equal(3, e1.Line);
        Assert.Contains("row index '3'", e1.Message);
        var e2 = Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b2.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n")));
        Assert.Contains("announces 2 entries", e2.Message);
        var e3 = Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b3.mtx", "hello\n")));
        Assert.Contains("not a Matrix Market", e3.Message);
        var e4 = Assert.Throws<DataFormatException>(() => MatrixMarketReader.Read(Write("b4.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n")));
        Assert.Equal(3, e4.Column);
        Assert.Throws<DataFormatException>(() => DataFiles.Load(Write("x.h5ad", "")));
    }

    [Fact]
    public void CsvWriterRoundTripsThroughReader()
    {
        var m = new NumericTable(2, 2, new[] { 0.1f, -2f, 1e-7f, 3.25f }, new[] { "a,b", "c" }, new[] { "r\"1", "r2" });
        var p = Path.Combine(_dir, "rt.csv");
        CsvWriter.WriteMatrix(p, m);
        var back = CsvMatrixReader.Read(p);
        Assert.Equal(m.Values, back.Values);
        Assert.Equal(m.ColumnNames, back.ColumnNames);
        Assert.Equal(m.RowNames, back.RowNames);
        var q = Path.Combine(_dir, "t.csv");
        CsvWriter.Write(q, new[] { "x", "y" }, new[] { new[] { "1", "a b" } });
        Assert.Equal("x,y\n1,a b\n", File.ReadAllText(q).Replace("\r\n", "\n"));
        Assert.Throws<ArgumentException>(() => CsvWriter.Write(q, new[] { "x" }, new[] { new[] { "1", "2" } }));
    }

    [Fact]
    public void OutputDirectoryIsAllOrNothing()
    {
        var dest = Path.Combine(_dir, "out");
        using (var o = OutputDirectory.Begin(dest))
        {
            File.WriteAllText(o.PathFor("a.csv"), "1");
            File.WriteAllText(o.PathFor("plots/b.svg"), "2");
            Assert.False(Directory.Exists(dest));
            o.Commit();
        }
        Assert.Equal("1", File.ReadAllText(Path.Combine(dest, "a.csv")));
        Assert.Equal("2", File.ReadAllText(Path.Combine(dest, "plots", "b.svg")));

        // a failing run leaves the existing folder untouched and no staging folder behind
        using (var o = OutputDirectory.Begin(dest))
        {
            File.WriteAllText(o.PathFor("a.csv"), "half-written");
        }
        Assert.Equal("1", File.ReadAllText(Path.Combine(dest, "a.csv")));
        Assert.DoesNotContain(Directory.EnumerateDirectories(_dir), d => Path.GetFileName(d).StartsWith('.'));

        // committing into an existing folder replaces files of the same name and keeps others
        using (var o = OutputDirectory.Begin(dest))
        {
            File.WriteAllText(o.PathFor("a.csv"), "new");
            o.Commit();
        }
        Assert.Equal("new", File.ReadAllText(Path.Combine(dest, "a.csv")));
        Assert.True(File.Exists(Path.Combine(dest, "plots", "b.svg")));

        var file = Write("afile", "x");
        Assert.Throws<IOException>(() => OutputDirectory.Begin(file));
    }
}
