using System.IO;
using Xunit;

namespace DerivSpec.Data.Tests;

public sealed class DelimitedTextTests : TempDirTests
{
    private static float[] Values(AnnData a) => ((DenseMatrix)a.X).Values.ToArray();

    [Fact]
    public void ReadsCsvWithHeader()
    {
        var a = DelimitedTextReader.Read(Write("a.csv", "g1,g2,g3\n1,2,3\n4.5,-6e-1,7\n\n"));
        Assert.Equal(2, a.ObsCount);
        Assert.Equal(3, a.VarCount);
        Assert.Equal(new[] { "g1", "g2", "g3" }, a.VarNames);
        Assert.False(a.HasObsNames);
        Assert.Equal(-0.6f, a.X[1, 1]);
        Assert.Equal(7f, a.X[1, 2]);
    }

    [Fact]
    public void ReadsHeaderlessTabAndSemicolon()
    {
        var t = AnnDataReader.Read(Write("t.tsv", "1\t2\n3\t4\n"));
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, Values(t));
        Assert.False(t.HasVarNames);
        var s = AnnDataReader.Read(Write("s.csv", "a;b\n1.5;2\n"));
        Assert.Equal(new[] { "a", "b" }, s.VarNames);
        Assert.Equal(new[] { 1.5f, 2f }, Values(s));
        var one = AnnDataReader.Read(Write("one.csv", "x\n1\n2\n3\n"));
        Assert.Equal(3, one.ObsCount);
        Assert.Equal(1, one.VarCount);
        var forced = DelimitedTextReader.Read(Write("f.txt", "1|2\n"), new DelimitedReadOptions { Delimiter = '|', HasHeader = false });
        Assert.Equal(new[] { 1f, 2f }, Values(forced));
    }

    [Fact]
    public void DetectsRowNamesAndQuotedCells()
    {
        var a = AnnDataReader.Read(Write("r.csv", "\"\",g1,g2\ncellA,1,2\ncellB,3,4\n"));
        Assert.Equal(new[] { "cellA", "cellB" }, a.ObsNames);
        Assert.Equal(new[] { "g1", "g2" }, a.VarNames);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, Values(a));
        var b = AnnDataReader.Read(Write("r2.csv", "g1,g2\ncellA,1,2\ncellB,3,4\n"));
        Assert.Equal(new[] { "g1", "g2" }, b.VarNames);
        Assert.Equal(2, b.VarCount);
        var c = AnnDataReader.Read(Write("r3.csv", "\"cell, one\",1,2\n"));
        Assert.Equal("cell, one", c.ObsNames[0]);
        var q = AnnDataReader.Read(Write("q.csv", "\"gene \"\"A\"\"\",\"B,C\"\n 1 , \"2\"\n"));
        Assert.Equal(new[] { "gene \"A\"", "B,C" }, q.VarNames);
        Assert.Equal(new[] { 1f, 2f }, Values(q));
        var bom = AnnDataReader.Read(Write("bom.csv", "\uFEFFg1,g2\n1,2\n"));
        Assert.Equal("g1", bom.VarNames[0]);
        var crlf = AnnDataReader.Read(Write("crlf.csv", "g1,g2\r\n1,2\r\n3,4\r\n"));
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, Values(crlf));
    }

    [Fact]
    public void MalformedNumberNamesFileLineRowAndColumn()
    {
        var p = Write("bad.csv", "g1,g2,g3\n1,2,3\n4,x5,6\n");
        var e = Assert.Throws<DataFormatException>(() => AnnDataReader.Read(p));
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(2, e.Column);
        Assert.Equal("g2", e.ColumnName);
        Assert.Contains(p, e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 2 'g2'", e.Message);
        Assert.Contains("'x5' is not a number", e.Message);
        var named = Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("n.csv", ",g1,g2\nc1,1,2\nc2,3,?\n")));
        Assert.Equal(3, named.Column);   // the file's column, the row-name column counted
        Assert.Equal("g2", named.ColumnName);
    }

    [Theory]
    [InlineData("NaN", "missing or non-finite")]
    [InlineData("nan", "missing or non-finite")]
    [InlineData("NA", "missing or non-finite")]
    [InlineData("inf", "missing or non-finite")]
    [InlineData("-Infinity", "missing or non-finite")]
    [InlineData("1e400", "not finite in single precision")]
    [InlineData("1e39", "not finite in single precision")]
    public void NonFiniteCellIsRejectedWithPosition(string cell, string why)
    {
        var e = Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("nan.csv", $"1,2\n3,{cell}\n")));
        Assert.Equal(2, e.Line);
        Assert.Equal(2, e.Column);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void RaggedRowEmptyCellEmptyFileAndUnclosedQuote()
    {
        var ragged = Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("rag.csv", "1,2,3\n4,5\n")));
        Assert.Equal(2, ragged.Line);
        Assert.Contains("2 columns where line 1 has 3", ragged.Message);
        var empty = Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("ec.csv", "1,,3\n")));
        Assert.Equal(2, empty.Column);
        Assert.Contains("empty cell", empty.Message);
        Assert.Contains("empty", Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("e.csv", "\n  \n"))).Message);
        Assert.Contains("no data rows", Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("h.csv", "a,b\n"))).Message);
        var missing = Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Path.Combine(Dir, "nope.csv")));
        Assert.Contains("not found", missing.Message);
        Assert.Contains("nope.csv", missing.Message);
        Assert.Contains("header", Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("hw.csv", "a,b,c,d\n1,2\n"))).Message);
        var quote = Assert.Throws<DataFormatException>(() => AnnDataReader.Read(Write("uq.csv", "a,b\n\"x,1\n2,3\n4,5\n")));
        Assert.Contains("closing quote", quote.Message);
        Assert.Equal(2, quote.Line);
    }

    [Fact]
    public void ReadsGzip()
    {
        Assert.Equal(new[] { 1f, 2f }, Values(AnnDataReader.Read(WriteGz("z.csv.gz", "a,b\n1,2\n"))));
    }

    [Fact]
    public void ValidationPointsIntoTheFile()
    {
        var p = Write("c.csv", ",g1,g2\nc1,1,2\n\nc2,3,4.5\n");
        var a = AnnDataReader.Read(p);
        Assert.Equal(new[] { 2, 4 }, a.Source!.RowLines);
        a.Validate(ValueSupport.Real, 2);
        var e = Assert.Throws<DataValidationException>(() => a.Validate(ValueSupport.Counts, 2));
        Assert.Equal(4, e.Line);
        Assert.Equal(p, e.FilePath);
        Assert.Contains("cell 'c2' (row 1), gene 'g2' (column 1): 4.5 is not an integer", e.Message);
        Assert.Contains($"{p}, line 4, column 3", e.Message);
        var sub = a.SelectObs(new[] { 1 });
        Assert.Equal(new[] { 4 }, sub.Source!.RowLines);
        Assert.Equal(4, Assert.Throws<DataValidationException>(() => sub.Validate(ValueSupport.Counts, 2)).Line);
        Assert.Contains("2 variables (genes, columns) in", Assert.Throws<DataValidationException>(() => a.Validate(ValueSupport.Real, 3)).Message);
    }

    [Fact]
    public void LabelsAndNumbers()
    {
        Assert.Equal(new[] { "inc", "dec", "tr" }, VectorReaders.ReadLabels(Write("l.txt", "family\ninc\ndec\n\ntr\n")));
        Assert.Equal(new[] { "1", "2", "1" }, VectorReaders.ReadLabels(Write("l2.csv", "g1,1\ng2,2\ng3,1\n")));
        Assert.Equal(new[] { "a", "b" }, VectorReaders.ReadLabels(Write("l3.csv", "a,b\n")));
        Assert.Equal(new[] { "x y", "z" }, VectorReaders.ReadLabels(Write("l4.csv", "gene,label\ng1,\"x y\"\ng2,z\n")));
        Assert.Equal(new[] { -1.5, 0, 2.25 }, VectorReaders.ReadNumbers(Write("t.csv", "t\n-1.5\n0\n2.25\n")));
        Assert.Equal(new[] { 1.0, 2 }, VectorReaders.ReadNumbers(WriteGz("t.csv.gz", "1\n2\n")));
        var e = Assert.Throws<DataFormatException>(() => VectorReaders.ReadNumbers(Write("tb.csv", "t\n1\nnan\n")));
        Assert.Equal(3, e.Line);
        Assert.Throws<DataFormatException>(() => VectorReaders.ReadLabels(Write("le.csv", "")));
    }
}
