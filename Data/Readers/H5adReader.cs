using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace DerivSpec.Data;

/// <summary>What <see cref="H5adReader"/> loads besides X, names, obs and var.</summary>
public sealed record H5adReadOptions
{
    /// <summary>Read X from <c>layers/NAME</c> instead of <c>X</c> (e.g. raw counts kept beside normalised X); null = X.</summary>
    public string? Layer { get; init; }

    /// <summary>Also load every layer into <see cref="AnnData.Layers"/> (each is another N × d matrix in memory).</summary>
    public bool LoadLayers { get; init; }

    /// <summary>Load <c>obsm</c> and <c>varm</c> dense matrices (default true).</summary>
    public bool LoadEmbeddings { get; init; } = true;

    /// <summary>Load <c>uns</c> (default true).</summary>
    public bool LoadUns { get; init; } = true;
}

/// <summary>
/// Reads AnnData .h5ad files with PureHDF (no native HDF5): X dense, CSR or CSC (CSC is converted to CSR in two
/// streaming passes, never densified), integer or floating dtypes (converted to float32 in slabs), or a layer
/// (<see cref="H5adReadOptions.Layer"/>); obs/var names from the dataframe's index (the <c>_index</c> attribute names
/// the index column); numeric, boolean, string, categorical and nullable columns; obsm/varm dense matrices; uns
/// (strings, numbers, numeric and string arrays, nested dictionaries). Both the current encoding (anndata ≥ 0.8:
/// <c>encoding-type</c> attributes) and anndata 0.7's (<c>h5sparse_format</c>, categorical codes with a
/// <c>categories</c> reference into <c>__categories</c>) are understood. Every problem is a
/// <see cref="DataFormatException"/> naming the file and the HDF5 path.
/// </summary>
public static class H5adReader
{
    /// <summary>Values read per call (about 16 MB of float32); tests lower it to cross slab boundaries.</summary>
    internal static int SlabElements { get; set; } = 1 << 22;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static AnnData Read(string path, H5adReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new H5adReadOptions();
        if (Directory.Exists(path)) throw new DataFormatException(path, "is a directory, not an .h5ad file.");
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DataFormatException(path, $"is not a readable HDF5 file ({e.Message}).", inner: e);
        }
        using (file)
        {
            try
            {
                return new Reading(file, path).Read(options);
            }
            catch (Exception e) when (e is not (DataFormatException or DataValidationException or OutOfMemoryException))
            {
                throw new DataFormatException(path, $"cannot be read as AnnData: {e.Message}", inner: e);
            }
        }
    }

    private sealed class Reading
    {
        private readonly NativeFile _file;
        private readonly string _path;

        public Reading(NativeFile file, string path)
        {
            _file = file;
            _path = path;
        }

        private DataFormatException Error(string h5Path, string problem) => new(_path, $"{h5Path}: {problem}");

        public AnnData Read(H5adReadOptions options)
        {
            string matrixPath = options.Layer is null ? "X" : "layers/" + options.Layer;
            if (!_file.LinkExists(matrixPath))
            {
                if (options.Layer is not null)
                {
                    var layers = _file.LinkExists("layers") ? _file.Group("layers").Children().Select(c => c.Name).ToList() : new List<string>();
                    throw Error(matrixPath, $"there is no layer '{options.Layer}'; the file has {(layers.Count == 0 ? "no layers" : "layers " + string.Join(", ", layers.Select(l => $"'{l}'")))}.");
                }
                throw Error("/", "there is no X (an AnnData file without a data matrix, or not an AnnData file).");
            }
            var x = ReadMatrix(_file.Get(matrixPath), "/" + matrixPath);
            var (obsNames, obs) = ReadFrame("obs", x.Rows);
            var (varNames, var) = ReadFrame("var", x.Columns);
            var a = new AnnData(x, obsNames, varNames, source: new DataSource(_path));
            foreach (var c in obs) a.Obs.Set(c.Key, c.Value);
            foreach (var c in var) a.Var.Set(c.Key, c.Value);
            if (options.LoadEmbeddings)
            {
                ReadMatrices("obsm", x.Rows, a.Obsm);
                ReadMatrices("varm", x.Columns, a.Varm);
            }
            if (options.LoadLayers && _file.LinkExists("layers"))
                foreach (var child in _file.Group("layers").Children())
                {
                    var m = ReadMatrix(child, "/layers/" + child.Name);
                    if (m.Rows != x.Rows || m.Columns != x.Columns)
                        throw Error("/layers/" + child.Name, $"is {m.Rows} × {m.Columns}; X is {x.Rows} × {x.Columns}.");
                    a.Layers[child.Name] = m;
                }
            if (options.LoadUns && _file.LinkExists("uns") && _file.Get("uns") is IH5Group uns)
                ReadDict(uns, "/uns", a.Uns);
            return a;
        }

        // ------------------------------------------------------------------ matrices

        private ExpressionMatrix ReadMatrix(IH5Object obj, string where)
        {
            if (obj is IH5Dataset ds)
            {
                var dims = ds.Space.Dimensions;
                if (dims.Length != 2) throw Error(where, $"a dense matrix must be 2-D; this dataset has shape ({string.Join(", ", dims)}).");
                int n = CheckedInt(dims[0], where), d = CheckedInt(dims[1], where);
                long total = (long)n * d;
                if (total > Array.MaxLength) throw Error(where, $"a dense {n} × {d} matrix has more values than one array can hold; store it sparse (CSR).");
                var values = new float[total];
                ReadFloats(Native(ds, where), where, d, 0, values);
                return new DenseMatrix(n, d, values);
            }
            if (obj is not IH5Group g) throw Error(where, "is neither a dataset nor a group.");
            string? enc = StringAttr(g, "encoding-type") ?? StringAttr(g, "h5sparse_format") switch
            {
                "csr" => "csr_matrix",
                "csc" => "csc_matrix",
                var other => other,
            };
            if (enc is not ("csr_matrix" or "csc_matrix"))
                throw Error(where, $"is a group of encoding '{enc ?? "(none)"}'; a matrix must be a dense dataset, csr_matrix or csc_matrix.");
            var shape = LongsAttr(g, "shape") ?? LongsAttr(g, "h5sparse_shape")
                        ?? throw Error(where, "a sparse matrix group needs a 'shape' attribute.");
            if (shape.Length != 2) throw Error(where, $"'shape' must hold 2 numbers, not {shape.Length}.");
            int rows = CheckedInt((ulong)shape[0], where), cols = CheckedInt((ulong)shape[1], where);
            var data = Dataset(g, "data", where);
            var indices = Dataset(g, "indices", where);
            var indptr = ReadLongs(Dataset(g, "indptr", where), where + "/indptr");
            long nnz = Length1D(data, where + "/data");
            if (Length1D(indices, where + "/indices") != nnz)
                throw Error(where, $"'indices' has {Length1D(indices, where + "/indices")} entries but 'data' has {nnz}.");
            if (nnz > Array.MaxLength) throw Error(where, $"{nnz} stored values are more than one array can hold.");
            int major = enc == "csr_matrix" ? rows : cols, minor = enc == "csr_matrix" ? cols : rows;
            CheckPointers(indptr, major, nnz, where + "/indptr");
            if (enc == "csr_matrix")
            {
                var vals = new float[nnz];
                var idx = new int[nnz];
                ReadFloats(data, where + "/data", 1, 0, vals);
                ReadInts(indices, where + "/indices", 0, idx, minor);
                return new CsrMatrix(rows, cols, vals, idx, indptr);
            }
            return CscToCsr(rows, cols, data, indices, indptr, nnz, where);
        }

        /// <summary>Two passes over the CSC arrays in slabs: count entries per row, then scatter; CSR rows come out column-sorted.</summary>
        private CsrMatrix CscToCsr(int rows, int cols, NativeDataset data, NativeDataset indices, long[] colPtr, long nnz, string where)
        {
            var rowPtr = new long[rows + 1];
            var idxBuf = new int[(int)Math.Min(SlabElements, Math.Max(nnz, 1))];
            var valBuf = new float[idxBuf.Length];
            for (long s = 0; s < nnz; s += idxBuf.Length)
            {
                int n = (int)Math.Min(idxBuf.Length, nnz - s);
                ReadInts(indices, where + "/indices", s, idxBuf.AsSpan(0, n), rows);
                for (int k = 0; k < n; k++) rowPtr[idxBuf[k] + 1]++;
            }
            for (int i = 0; i < rows; i++) rowPtr[i + 1] += rowPtr[i];
            var next = new long[rows];
            Array.Copy(rowPtr, next, rows);
            var outVals = new float[nnz];
            var outCols = new int[nnz];
            int col = 0;
            for (long s = 0; s < nnz; s += idxBuf.Length)
            {
                int n = (int)Math.Min(idxBuf.Length, nnz - s);
                ReadInts(indices, where + "/indices", s, idxBuf.AsSpan(0, n), rows);
                ReadFloats(data, where + "/data", 1, s, valBuf.AsSpan(0, n));
                for (int k = 0; k < n; k++)
                {
                    long e = s + k;
                    while (colPtr[col + 1] <= e) col++;
                    long at = next[idxBuf[k]]++;
                    outVals[at] = valBuf[k];
                    outCols[at] = col;
                }
            }
            return new CsrMatrix(rows, cols, outVals, outCols, rowPtr);
        }

        private void CheckPointers(long[] ptr, int major, long nnz, string where)
        {
            if (ptr.Length != (long)major + 1) throw Error(where, $"has {ptr.Length} entries; {major} rows/columns need {major + 1}.");
            if (ptr[0] != 0) throw Error(where, $"starts at {ptr[0]}, not 0.");
            for (int i = 0; i < major; i++)
                if (ptr[i + 1] < ptr[i]) throw Error(where, $"decreases at {i} ({ptr[i]} then {ptr[i + 1]}).");
            if (ptr[major] != nnz) throw Error(where, $"ends at {ptr[major]} but there are {nnz} stored values.");
        }

        // ------------------------------------------------------------------ dataframes

        private (string[]? Names, List<KeyValuePair<string, DataColumn>> Columns) ReadFrame(string name, int length)
        {
            var columns = new List<KeyValuePair<string, DataColumn>>();
            if (!_file.LinkExists(name)) return (null, columns);
            var obj = _file.Get(name);
            string where = "/" + name;
            if (obj is IH5Dataset)
                throw Error(where, "is a compound dataset (the pre-0.7 anndata layout); re-save the file with anndata ≥ 0.7 (e.g. anndata.read_h5ad(path).write_h5ad(path)).");
            var g = (IH5Group)obj;
            string? indexName = StringAttr(g, "_index");
            string[]? names = null;
            if (indexName is not null)
            {
                var idx = Dataset(g, indexName, where);
                names = ReadStringsOrFormat(idx, where + "/" + indexName);
                if (names.Length != length) throw Error(where + "/" + indexName, $"has {names.Length} names; {name} needs {length}.");
            }
            else if (g.LinkExists("index") && g.Get("index") is IH5Dataset legacyIndex)
            {
                indexName = "index";
                names = ReadStringsOrFormat(Native(legacyIndex, where + "/index"), where + "/index");
                if (names.Length != length) throw Error(where + "/index", $"has {names.Length} names; {name} needs {length}.");
            }
            var order = StringsAttr(g, "column-order")
                        ?? g.Children().Select(c => c.Name).Where(n => n != indexName && n != "__categories").ToArray();
            foreach (var col in order)
            {
                if (!g.LinkExists(col)) throw Error(where, $"'column-order' lists '{col}' but there is no such column.");
                var column = ReadColumn(g.Get(col), g, where + "/" + col, length);
                if (column is not null) columns.Add(new KeyValuePair<string, DataColumn>(col, column));
            }
            return (names, columns);
        }

        /// <summary>One dataframe column; null for an encoding this reader does not know (skipped).</summary>
        private DataColumn? ReadColumn(IH5Object obj, IH5Group frame, string where, int length)
        {
            if (obj is IH5Group g)
            {
                string? enc = StringAttr(g, "encoding-type");
                switch (enc)
                {
                    case "categorical":
                    {
                        var codes = ReadIntsAll(Dataset(g, "codes", where), where + "/codes", length);
                        var cats = ReadStringsOrFormat(Dataset(g, "categories", where), where + "/categories");
                        return MakeCategorical(codes, cats, BoolAttr(g, "ordered"), where);
                    }
                    case "nullable-integer" or "nullable-boolean":
                    {
                        var values = ReadDoubles(Dataset(g, "values", where), where + "/values", length);
                        var mask = ReadDoubles(Dataset(g, "mask", where), where + "/mask", length);
                        for (int i = 0; i < length; i++) if (mask[i] != 0) values[i] = double.NaN;
                        return new NumericColumn(values, enc == "nullable-boolean" ? NumericKind.Boolean : NumericKind.Integer);
                    }
                    case "nullable-string-array":
                    {
                        var values = ReadStringsOrFormat(Dataset(g, "values", where), where + "/values");
                        var mask = ReadDoubles(Dataset(g, "mask", where), where + "/mask", length);
                        var r = new string?[length];
                        for (int i = 0; i < length; i++) r[i] = mask[i] != 0 ? null : values[i];
                        return new StringColumn(r);
                    }
                    default:
                        return null;
                }
            }
            var ds = Native((IH5Dataset)obj, where);
            if (ds.Space.Dimensions.Length != 1) return null;
            if (Length1D(ds, where) != length) throw Error(where, $"has {Length1D(ds, where)} entries; the table has {length} rows.");
            if (ds.AttributeExists("categories"))
            {
                // anndata 0.7: codes here, categories behind an object reference (in __categories/).
                var reference = ds.Attribute("categories").Read<NativeObjectReference1>();
                if (((NativeGroup)_file).Get(reference) is not IH5Dataset catsDs)
                    throw Error(where, "the 'categories' reference does not point to a dataset.");
                var cats = ReadStringsOrFormat(Native(catsDs, where + " categories"), where + " categories");
                var codes = ReadIntsAll(ds, where, length);
                return MakeCategorical(codes, cats, BoolAttr(ds, "ordered"), where);
            }
            return ds.Type.Class switch
            {
                H5DataTypeClass.String or H5DataTypeClass.VariableLength => new StringColumn(ReadStrings(ds, where)),
                H5DataTypeClass.Enumerated => new NumericColumn(ReadDoubles(ds, where, length), NumericKind.Boolean),
                H5DataTypeClass.BitField => new NumericColumn(ReadDoubles(ds, where, length), NumericKind.Boolean),
                H5DataTypeClass.FixedPoint => new NumericColumn(ReadDoubles(ds, where, length), NumericKind.Integer),
                H5DataTypeClass.FloatingPoint => new NumericColumn(ReadDoubles(ds, where, length), NumericKind.Float),
                _ => null,
            };
        }

        private CategoricalColumn MakeCategorical(int[] codes, string[] categories, bool ordered, string where)
        {
            for (int i = 0; i < codes.Length; i++)
                if (codes[i] < -1 || codes[i] >= categories.Length)
                    throw Error(where, $"categorical code {codes[i]} at entry {i} is outside −1..{categories.Length - 1}.");
            if (categories.Distinct(StringComparer.Ordinal).Count() != categories.Length)
                throw Error(where, "the categories repeat a value.");
            return new CategoricalColumn(codes, categories, ordered);
        }

        // ------------------------------------------------------------------ obsm / varm / uns

        private void ReadMatrices(string name, int rows, MatrixMap into)
        {
            if (!_file.LinkExists(name) || _file.Get(name) is not IH5Group g) return;
            foreach (var child in g.Children())
            {
                if (child is not IH5Dataset ds) continue;   // dataframes and sparse matrices in obsm are not loaded
                string where = $"/{name}/{child.Name}";
                var nd = Native(ds, where);
                var dims = nd.Space.Dimensions;
                if (dims.Length is < 1 or > 2 || !IsNumeric(nd)) continue;
                if ((long)dims[0] != rows) throw Error(where, $"has {dims[0]} rows; {name} needs {rows}.");
                int c = dims.Length == 2 ? CheckedInt(dims[1], where) : 1;
                var flat = ReadDoubles(nd, where, checked(rows * c));
                var m = new double[rows, c];
                Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
                into[child.Name] = m;
            }
        }

        private void ReadDict(IH5Group g, string where, UnsDictionary into)
        {
            foreach (var child in g.Children())
            {
                string w = where + "/" + child.Name;
                if (child is IH5Group sub)
                {
                    string? enc = StringAttr(sub, "encoding-type");
                    if (enc is null or "dict")
                        ReadDict(sub, w, into.GetOrAddDictionary(child.Name));
                    continue;   // dataframes, sparse and categorical arrays in uns are not loaded
                }
                var ds = Native((IH5Dataset)child, w);
                var dims = ds.Space.Dimensions;
                bool text = ds.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength;
                if (!text && !IsNumeric(ds)) continue;
                object? value = (dims.Length, text) switch
                {
                    (0, true) => ds.Read<string>(),
                    (0, false) => ReadDoubles(ds, w, 1) is var one && ds.Type.Class == H5DataTypeClass.FixedPoint ? (object)(long)one[0] : one[0],
                    (1, true) => ReadStrings(ds, w),
                    (1, false) => ds.Type.Class == H5DataTypeClass.FixedPoint
                        ? ReadDoubles(ds, w, CheckedInt(dims[0], w)).Select(v => (long)v).ToArray()
                        : ReadDoubles(ds, w, CheckedInt(dims[0], w)),
                    (2, false) => To2D(ReadDoubles(ds, w, CheckedInt(dims[0] * dims[1], w)), (int)dims[0], (int)dims[1]),
                    (3, false) => To3D(ReadDoubles(ds, w, CheckedInt(dims[0] * dims[1] * dims[2], w)), (int)dims[0], (int)dims[1], (int)dims[2]),
                    _ => null,
                };
                if (value is not null) into[child.Name] = value;
            }
        }

        private static double[,] To2D(double[] flat, int a, int b)
        {
            var r = new double[a, b];
            Buffer.BlockCopy(flat, 0, r, 0, flat.Length * sizeof(double));
            return r;
        }

        private static double[,,] To3D(double[] flat, int a, int b, int c)
        {
            var r = new double[a, b, c];
            Buffer.BlockCopy(flat, 0, r, 0, flat.Length * sizeof(double));
            return r;
        }

        // ------------------------------------------------------------------ typed reads

        private NativeDataset Dataset(IH5Group g, string name, string where)
        {
            if (!g.LinkExists(name)) throw Error(where, $"has no '{name}'.");
            return g.Get(name) is IH5Dataset ds ? Native(ds, where + "/" + name) : throw Error(where + "/" + name, "is a group, not a dataset.");
        }

        private NativeDataset Native(IH5Dataset ds, string where) =>
            ds as NativeDataset ?? throw Error(where, "is not a dataset of a local HDF5 file.");

        private long Length1D(IH5Dataset ds, string where)
        {
            var dims = ds.Space.Dimensions;
            if (dims.Length != 1) throw Error(where, $"must be 1-D; it has shape ({string.Join(", ", dims)}).");
            return (long)dims[0];
        }

        private int CheckedInt(ulong v, string where) =>
            v <= int.MaxValue ? (int)v : throw Error(where, $"a dimension of {v} is larger than this reader supports ({int.MaxValue}).");

        private static bool IsNumeric(IH5Dataset ds) => ds.Type.Class is H5DataTypeClass.FixedPoint or H5DataTypeClass.FloatingPoint
            or H5DataTypeClass.Enumerated or H5DataTypeClass.BitField;

        private enum Kind { F32, F64, I8, U8, I16, U16, I32, U32, I64, U64 }

        private Kind KindOf(IH5Dataset ds, string where)
        {
            var t = ds.Type;
            if (t.Class == H5DataTypeClass.Enumerated) t = t.Enumeration.BaseType;
            bool signed = t.Class == H5DataTypeClass.FixedPoint && t.FixedPoint.IsSigned;
            return (t.Class, t.Size, signed) switch
            {
                (H5DataTypeClass.FloatingPoint, 4, _) => Kind.F32,
                (H5DataTypeClass.FloatingPoint, 8, _) => Kind.F64,
                (H5DataTypeClass.FixedPoint, 1, true) => Kind.I8,
                (H5DataTypeClass.FixedPoint, 1, false) or (H5DataTypeClass.BitField, 1, _) => Kind.U8,
                (H5DataTypeClass.FixedPoint, 2, true) => Kind.I16,
                (H5DataTypeClass.FixedPoint, 2, false) => Kind.U16,
                (H5DataTypeClass.FixedPoint, 4, true) => Kind.I32,
                (H5DataTypeClass.FixedPoint, 4, false) => Kind.U32,
                (H5DataTypeClass.FixedPoint, 8, true) => Kind.I64,
                (H5DataTypeClass.FixedPoint, 8, false) => Kind.U64,
                _ => throw Error(where, $"has an unsupported data type ({t.Class}, {t.Size} bytes); numbers must be integers or float32/float64."),
            };
        }

        /// <summary>
        /// Reads <paramref name="dst"/>.Length values starting at element <paramref name="start"/> of the flattened dataset,
        /// converting to float32. <paramref name="rowLength"/> &gt; 1 reads a 2-D dataset in whole rows.
        /// </summary>
        private void ReadFloats(NativeDataset ds, string where, int rowLength, long start, Span<float> dst)
        {
            switch (KindOf(ds, where))
            {
                case Kind.F32: Slabs<float, float>(ds, rowLength, start, dst, v => v); break;
                case Kind.F64: Slabs<double, float>(ds, rowLength, start, dst, v => (float)v); break;
                case Kind.I8: Slabs<sbyte, float>(ds, rowLength, start, dst, v => v); break;
                case Kind.U8: Slabs<byte, float>(ds, rowLength, start, dst, v => v); break;
                case Kind.I16: Slabs<short, float>(ds, rowLength, start, dst, v => v); break;
                case Kind.U16: Slabs<ushort, float>(ds, rowLength, start, dst, v => v); break;
                case Kind.I32: Slabs<int, float>(ds, rowLength, start, dst, v => v); break;
                case Kind.U32: Slabs<uint, float>(ds, rowLength, start, dst, v => v); break;
                case Kind.I64: Slabs<long, float>(ds, rowLength, start, dst, v => v); break;
                case Kind.U64: Slabs<ulong, float>(ds, rowLength, start, dst, v => v); break;
            }
        }

        private double[] ReadDoubles(NativeDataset ds, string where, int count)
        {
            long total = 1;
            foreach (var dim in ds.Space.Dimensions) total *= (long)dim;
            if (total != count) throw Error(where, $"has {total} values; {count} are expected.");
            var r = new double[count];
            switch (KindOf(ds, where))
            {
                case Kind.F32: Slabs<float, double>(ds, 0, 0, r, v => v); break;
                case Kind.F64: Slabs<double, double>(ds, 0, 0, r, v => v); break;
                case Kind.I8: Slabs<sbyte, double>(ds, 0, 0, r, v => v); break;
                case Kind.U8: Slabs<byte, double>(ds, 0, 0, r, v => v); break;
                case Kind.I16: Slabs<short, double>(ds, 0, 0, r, v => v); break;
                case Kind.U16: Slabs<ushort, double>(ds, 0, 0, r, v => v); break;
                case Kind.I32: Slabs<int, double>(ds, 0, 0, r, v => v); break;
                case Kind.U32: Slabs<uint, double>(ds, 0, 0, r, v => v); break;
                case Kind.I64: Slabs<long, double>(ds, 0, 0, r, v => v); break;
                case Kind.U64: Slabs<ulong, double>(ds, 0, 0, r, v => v); break;
            }
            return r;
        }

        /// <summary>Reads integers in 0..limit−1 (sparse indices); anything else is an error naming the entry.</summary>
        private void ReadInts(NativeDataset ds, string where, long start, Span<int> dst, int limit)
        {
            long at = start;
            int Check(long v)
            {
                if ((ulong)v >= (ulong)limit) throw Error(where, $"index {v} at entry {at} is outside 0..{limit - 1}.");
                at++;
                return (int)v;
            }
            switch (KindOf(ds, where))
            {
                case Kind.I32:
                    Slabs<int, int>(ds, 0, start, dst, v => v);   // read straight into the destination, then checked
                    foreach (int v in dst) Check(v);
                    break;
                case Kind.I64: Slabs<long, int>(ds, 0, start, dst, v => Check(v)); break;
                case Kind.U32: Slabs<uint, int>(ds, 0, start, dst, v => Check(v)); break;
                case Kind.U64: Slabs<ulong, int>(ds, 0, start, dst, v => Check(v > long.MaxValue ? -1 : (long)v)); break;
                case Kind.I16: Slabs<short, int>(ds, 0, start, dst, v => Check(v)); break;
                case Kind.U16: Slabs<ushort, int>(ds, 0, start, dst, v => Check(v)); break;
                case Kind.I8: Slabs<sbyte, int>(ds, 0, start, dst, v => Check(v)); break;
                case Kind.U8: Slabs<byte, int>(ds, 0, start, dst, v => Check(v)); break;
                default: throw Error(where, "indices must be integers.");
            }
        }

        /// <summary>Integer codes (categorical): −1 allowed.</summary>
        private int[] ReadIntsAll(NativeDataset ds, string where, int length)
        {
            var d = ReadDoubles(ds, where, length);
            var r = new int[length];
            for (int i = 0; i < length; i++)
            {
                if (d[i] != Math.Floor(d[i]) || d[i] < -1 || d[i] > int.MaxValue) throw Error(where, $"code {d[i]} at entry {i} is not a valid integer code.");
                r[i] = (int)d[i];
            }
            return r;
        }

        private long[] ReadLongs(NativeDataset ds, string where)
        {
            long n = Length1D(ds, where);
            if (n > Array.MaxLength) throw Error(where, "is too long.");
            var r = new long[n];
            switch (KindOf(ds, where))
            {
                case Kind.I64: Slabs<long, long>(ds, 0, 0, r, v => v); break;
                case Kind.I32: Slabs<int, long>(ds, 0, 0, r, v => v); break;
                case Kind.U32: Slabs<uint, long>(ds, 0, 0, r, v => v); break;
                case Kind.U64: Slabs<ulong, long>(ds, 0, 0, r, v => v > long.MaxValue ? throw Error(where, $"{v} is too large.") : (long)v); break;
                case Kind.I16: Slabs<short, long>(ds, 0, 0, r, v => v); break;
                case Kind.U16: Slabs<ushort, long>(ds, 0, 0, r, v => v); break;
                default: throw Error(where, "row pointers must be integers.");
            }
            return r;
        }

        /// <summary>
        /// Reads <paramref name="dst"/>.Length values from element <paramref name="start"/> of the flattened dataset in
        /// slabs of about <see cref="SlabElements"/> values (whole rows of the first dimension for 2-D and higher
        /// datasets): straight into the destination when the types agree, else through a pooled buffer.
        /// </summary>
        private static void Slabs<TSrc, TDst>(NativeDataset ds, int rowLength, long start, Span<TDst> dst, Func<TSrc, TDst> convert)
            where TSrc : unmanaged where TDst : unmanaged
        {
            _ = rowLength;   // the row length follows from the dataset's shape
            if (dst.Length == 0) return;
            var dims = ds.Space.Dimensions;
            long unit = 1;
            for (int r = 1; r < dims.Length; r++) unit *= (long)dims[r];
            long perSlab = dims.Length == 0 ? dst.Length : Math.Max(1, SlabElements / unit) * unit;
            TSrc[]? buffer = typeof(TSrc) == typeof(TDst) ? null : ArrayPool<TSrc>.Shared.Rent((int)Math.Min(perSlab, dst.Length));
            try
            {
                for (long done = 0; done < dst.Length; done += perSlab)
                {
                    int n = (int)Math.Min(perSlab, dst.Length - done);
                    Selection sel;
                    if (dims.Length == 0) sel = new AllSelection();
                    else if (dims.Length == 1) sel = new HyperslabSelection((ulong)(start + done), (ulong)n);
                    else
                    {
                        var starts = new ulong[dims.Length];
                        var blocks = new ulong[dims.Length];
                        starts[0] = (ulong)((start + done) / unit);
                        blocks[0] = (ulong)(n / unit);
                        for (int r = 1; r < dims.Length; r++) blocks[r] = dims[r];
                        sel = new HyperslabSelection(dims.Length, starts, blocks);
                    }
                    if (buffer is null)
                    {
                        var target = System.Runtime.InteropServices.MemoryMarshal.Cast<TDst, TSrc>(dst.Slice((int)done, n));
                        ds.Read(target, fileSelection: sel, memoryDims: new[] { (ulong)n });
                    }
                    else
                    {
                        var b = buffer.AsSpan(0, n);
                        ds.Read(b, fileSelection: sel, memoryDims: new[] { (ulong)n });
                        var d = dst.Slice((int)done, n);
                        for (int i = 0; i < n; i++) d[i] = convert(b[i]);
                    }
                }
            }
            finally
            {
                if (buffer is not null) ArrayPool<TSrc>.Shared.Return(buffer);
            }
        }

        private string[] ReadStrings(NativeDataset ds, string where)
        {
            var r = ds.Read<string[]>();
            for (int i = 0; i < r.Length; i++)
                if (r[i] is null) throw Error(where, $"entry {i} is not a string.");
            return r;
        }

        /// <summary>Strings as stored, or numbers formatted invariantly (an integer index, numeric categories).</summary>
        private string[] ReadStringsOrFormat(NativeDataset ds, string where)
        {
            if (ds.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength) return ReadStrings(ds, where);
            var values = ReadDoubles(ds, where, (int)Length1D(ds, where));
            return values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        }

        // ------------------------------------------------------------------ attributes

        private static string? StringAttr(IH5Object o, string name)
        {
            if (!o.AttributeExists(name)) return null;
            var a = o.Attribute(name);
            if (a.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength)) return null;
            return a.Space.Rank == 0 ? a.Read<string>() : a.Read<string[]>().FirstOrDefault();
        }

        private static string[]? StringsAttr(IH5Object o, string name)
        {
            if (!o.AttributeExists(name)) return null;
            var a = o.Attribute(name);
            if (a.Space.Rank == 1 && a.Space.Dimensions[0] == 0) return Array.Empty<string>();
            if (a.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength)) return null;
            return a.Space.Rank == 0 ? new[] { a.Read<string>() } : a.Read<string[]>();
        }

        private static long[]? LongsAttr(IH5Object o, string name)
        {
            if (!o.AttributeExists(name)) return null;
            var a = o.Attribute(name);
            if (a.Type.Class != H5DataTypeClass.FixedPoint) return null;
            bool signed = a.Type.FixedPoint.IsSigned;
            return (a.Type.Size, signed) switch
            {
                (8, _) => a.Read<long[]>(),
                (4, true) => a.Read<int[]>().Select(v => (long)v).ToArray(),
                (4, false) => a.Read<uint[]>().Select(v => (long)v).ToArray(),
                _ => null,
            };
        }

        private static bool BoolAttr(IH5Object o, string name)
        {
            if (!o.AttributeExists(name)) return false;
            var a = o.Attribute(name);
            var t = a.Type.Class == H5DataTypeClass.Enumerated ? a.Type.Enumeration.BaseType : a.Type;
            if (t.Class is not (H5DataTypeClass.FixedPoint or H5DataTypeClass.BitField) || t.Size != 1) return false;
            return a.Read<byte>() != 0;
        }
    }
}
