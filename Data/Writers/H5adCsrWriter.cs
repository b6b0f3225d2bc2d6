using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PureHDF;
using PureHDF.Selections;

namespace DerivSpec.Data;

/// <summary>
/// Writes a large sparse .h5ad row by row without holding the matrix in memory: announce the shape and the number of
/// stored values, <see cref="AppendRow"/> every row in order, then <see cref="Complete"/>. The file has the same layout
/// as <see cref="H5adWriter"/>'s (X a <c>csr_matrix</c> group, obs/var dataframes of names, empty obsm/varm/layers/
/// obsp/varp/uns) and appears at the destination only when complete; disposing without completing deletes it.
/// </summary>
public sealed class H5adCsrWriter : IDisposable
{
    private const int BufferLength = 1 << 20;
    private readonly int _rows, _columns;
    private readonly long _stored;
    private readonly string _destination, _temp;
    private readonly H5Dataset<float[]> _data;
    private readonly H5Dataset<int[]> _indices;
    private readonly H5Dataset<long[]> _indptr;
    private readonly long[] _rowPointers;
    private readonly float[] _valueBuffer = new float[BufferLength];
    private readonly int[] _indexBuffer = new int[BufferLength];
    private H5NativeWriter? _writer;
    private int _buffered, _rowsWritten;
    private long _written, _flushed;
    private bool _completed;

    /// <summary>Starts a file of <paramref name="rows"/> × <paramref name="columns"/> with exactly <paramref name="storedValues"/> stored values.</summary>
    public H5adCsrWriter(string path, int rows, int columns, long storedValues,
        IReadOnlyList<string>? obsNames = null, IReadOnlyList<string>? varNames = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (rows < 1 || columns < 1) throw new ArgumentOutOfRangeException(nameof(rows), "The matrix needs at least one row and one column.");
        if (storedValues < 1) throw new ArgumentOutOfRangeException(nameof(storedValues), storedValues, "At least one stored value is needed.");
        if (obsNames is not null && obsNames.Count != rows) throw new ArgumentException($"{obsNames.Count} observation names for {rows} rows.", nameof(obsNames));
        if (varNames is not null && varNames.Count != columns) throw new ArgumentException($"{varNames.Count} variable names for {columns} columns.", nameof(varNames));
        _rows = rows;
        _columns = columns;
        _stored = storedValues;
        _rowPointers = new long[rows + 1];
        _destination = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(_destination) ?? throw new IOException($"{path}: has no folder.");
        Directory.CreateDirectory(dir);
        _temp = Path.Combine(dir, "." + Path.GetFileName(_destination) + ".partial-" + Guid.NewGuid().ToString("N")[..8]);

        _data = new H5Dataset<float[]>(fileDims: new[] { (ulong)storedValues });
        _indices = new H5Dataset<int[]>(fileDims: new[] { (ulong)storedValues });
        _indptr = new H5Dataset<long[]>(fileDims: new[] { (ulong)rows + 1 });
        var x = new H5Group { ["data"] = _data, ["indices"] = _indices, ["indptr"] = _indptr };
        H5adWriter.SetEncoding(x, "csr_matrix", "0.1.0");
        x.Attributes["shape"] = new long[] { rows, columns };
        var file = new H5File();
        H5adWriter.SetEncoding(file, "anndata", "0.1.0");
        file["X"] = x;
        file["obs"] = H5adWriter.Frame(obsNames ?? Enumerable.Range(1, rows).Select(i => "cell_" + i).ToArray(), new ColumnTable(rows), "obs");
        file["var"] = H5adWriter.Frame(varNames ?? Enumerable.Range(1, columns).Select(j => "feature_" + j).ToArray(), new ColumnTable(columns), "var");
        foreach (var g in new[] { "obsm", "varm", "layers", "obsp", "varp", "uns" }) file[g] = H5adWriter.Dict();
        _writer = file.BeginWrite(_temp);
    }

    /// <summary>Appends the next row: its stored values' columns (each in 0..d−1) and values.</summary>
    public void AppendRow(ReadOnlySpan<int> columns, ReadOnlySpan<float> values)
    {
        ObjectDisposedException.ThrowIf(_writer is null, this);
        if (columns.Length != values.Length) throw new ArgumentException($"{columns.Length} columns for {values.Length} values.", nameof(columns));
        if (_rowsWritten == _rows) throw new InvalidOperationException($"All {_rows} rows were written already.");
        if (_written + values.Length > _stored)
            throw new InvalidOperationException($"Row {_rowsWritten} would bring the stored values past the {_stored} announced.");
        foreach (int c in columns)
            if ((uint)c >= (uint)_columns) throw new ArgumentOutOfRangeException(nameof(columns), c, $"Column {c} is outside 0..{_columns - 1}.");
        int at = 0;
        while (at < values.Length)
        {
            int n = Math.Min(values.Length - at, BufferLength - _buffered);
            values.Slice(at, n).CopyTo(_valueBuffer.AsSpan(_buffered));
            columns.Slice(at, n).CopyTo(_indexBuffer.AsSpan(_buffered));
            _buffered += n;
            at += n;
            if (_buffered == BufferLength) Flush();
        }
        _written += values.Length;
        _rowPointers[++_rowsWritten] = _written;
    }

    private void Flush()
    {
        if (_buffered == 0) return;
        var mem = new HyperslabSelection(0, (ulong)_buffered);
        var fileSel = new HyperslabSelection((ulong)_flushed, (ulong)_buffered);
        _writer!.Write(_data, _valueBuffer, memorySelection: mem, fileSelection: fileSel);
        _writer.Write(_indices, _indexBuffer, memorySelection: mem, fileSelection: fileSel);
        _flushed += _buffered;
        _buffered = 0;
    }

    /// <summary>Writes the row pointers, closes the file and moves it to its destination.</summary>
    /// <exception cref="InvalidOperationException">Fewer rows or stored values were written than announced.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_writer is null, this);
        if (_rowsWritten != _rows) throw new InvalidOperationException($"{_rowsWritten} of {_rows} rows were written.");
        if (_written != _stored) throw new InvalidOperationException($"{_written} of the {_stored} announced stored values were written.");
        Flush();
        _writer.Write(_indptr, _rowPointers);
        _writer.Dispose();
        _writer = null;
        File.Move(_temp, _destination, overwrite: true);
        _completed = true;
    }

    /// <summary>Closes the file; without <see cref="Complete"/> the partial file is deleted.</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        if (!_completed && File.Exists(_temp)) File.Delete(_temp);
    }
}
