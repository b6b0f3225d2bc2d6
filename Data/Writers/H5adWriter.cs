using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PureHDF;

namespace DerivSpec.Data;

/// <summary>
/// Writes an <see cref="AnnData"/> as .h5ad following the anndata on-disk specification (v0.1.0 root, read by
/// anndata/scanpy ≥ 0.8 and by h5py): root attributes <c>encoding-type=anndata</c>, <c>encoding-version=0.1.0</c>; X
/// (and layers) as a dense <c>array</c> dataset or a <c>csr_matrix</c> group (data float32, indices int32, indptr int64,
/// <c>shape</c>); obs and var as <c>dataframe</c> groups (<c>_index</c>, <c>column-order</c>, v0.2.0) with
/// <c>string-array</c> index and text columns (variable-length UTF-8), <c>categorical</c> groups (codes, categories,
/// <c>ordered</c>), numeric arrays (float64, int64, HDF5 booleans) and nullable arrays where values are missing;
/// obsm, varm, layers, obsp, varp and uns as <c>dict</c> groups, uns values as <c>string</c>/<c>numeric-scalar</c>
/// scalars, <c>array</c>s and <c>string-array</c>s. The file is written atomically (temporary file + rename).
/// </summary>
public static class H5adWriter
{
    internal const string IndexKey = "_index";

    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/>.</summary>
    public static void Write(AnnData data, string path)
    {
        ArgumentNullException.ThrowIfNull(data);
        var file = new H5File();
        SetEncoding(file, "anndata", "0.1.0");
        file["X"] = Matrix(data.X);
        file["obs"] = Frame(data.ObsNames, data.Obs, "obs");
        file["var"] = Frame(data.VarNames, data.Var, "var");
        var obsm = Dict();
        foreach (var kv in data.Obsm) obsm[kv.Key] = Array2D(kv.Value);
        file["obsm"] = obsm;
        var varm = Dict();
        foreach (var kv in data.Varm) varm[kv.Key] = Array2D(kv.Value);
        file["varm"] = varm;
        var layers = Dict();
        foreach (var kv in data.Layers) layers[kv.Key] = Matrix(kv.Value);
        file["layers"] = layers;
        file["obsp"] = Dict();
        file["varp"] = Dict();
        file["uns"] = Uns(data.Uns, "uns");
        AtomicFile.Write(path, temp => file.Write(temp));
    }

    // ------------------------------------------------------------------ elements

    internal static void SetEncoding(H5Object o, string type, string version)
    {
        o.Attributes["encoding-type"] = type;
        o.Attributes["encoding-version"] = version;
    }

    internal static H5Group Dict()
    {
        var g = new H5Group();
        SetEncoding(g, "dict", "0.1.0");
        return g;
    }

    private static H5Object Matrix(ExpressionMatrix m)
    {
        switch (m)
        {
            case DenseMatrix dense:
            {
                var ds = new H5Dataset(dense.ValuesArray, fileDims: new[] { (ulong)m.Rows, (ulong)m.Columns });
                SetEncoding(ds, "array", "0.2.0");
                return ds;
            }
            case CsrMatrix csr:
            {
                var g = new H5Group
                {
                    ["data"] = csr.DataArray,
                    ["indices"] = csr.IndicesArray,
                    ["indptr"] = csr.IndPtrArray,
                };
                SetEncoding(g, "csr_matrix", "0.1.0");
                g.Attributes["shape"] = new long[] { m.Rows, m.Columns };
                return g;
            }
            default:
                throw new ArgumentException($"Cannot write a matrix of type {m.GetType().Name}.", nameof(m));
        }
    }

    private static H5Dataset Array2D(double[,] values)
    {
        var ds = new H5Dataset(values);
        SetEncoding(ds, "array", "0.2.0");
        return ds;
    }

    internal static H5Dataset StringArray(string[] values)
    {
        var ds = new H5Dataset(values);
        SetEncoding(ds, "string-array", "0.2.0");
        return ds;
    }

    internal static H5Group Frame(IReadOnlyList<string> index, ColumnTable table, string what)
    {
        if (table.Contains(IndexKey))
            throw new InvalidOperationException($"{what} has a column named '{IndexKey}', which .h5ad reserves for the index; rename it.");
        var g = new H5Group();
        g.Attributes[IndexKey] = IndexKey;
        g.Attributes["column-order"] = table.Names.ToArray();
        SetEncoding(g, "dataframe", "0.2.0");
        g[IndexKey] = StringArray(index.ToArray());
        foreach (var kv in table) g[kv.Key] = Column(kv.Value);
        return g;
    }

    internal static H5Object Column(DataColumn column)
    {
        switch (column)
        {
            case NumericColumn n:
            {
                var values = n.Values;
                bool missing = false;
                foreach (double v in values) if (double.IsNaN(v)) { missing = true; break; }
                if (n.Kind == NumericKind.Float)
                {
                    var ds = new H5Dataset(n.ToArray());
                    SetEncoding(ds, "array", "0.2.0");
                    return ds;
                }
                if (n.Kind == NumericKind.Integer)
                {
                    var ints = new long[values.Length];
                    for (int i = 0; i < ints.Length; i++) ints[i] = double.IsNaN(values[i]) ? 0 : (long)values[i];
                    if (!missing)
                    {
                        var ds = new H5Dataset(ints);
                        SetEncoding(ds, "array", "0.2.0");
                        return ds;
                    }
                    return Nullable("nullable-integer", ints, values);
                }
                var bools = new H5Bool[values.Length];
                for (int i = 0; i < bools.Length; i++) bools[i] = !double.IsNaN(values[i]) && values[i] != 0 ? H5Bool.TRUE : H5Bool.FALSE;
                if (!missing)
                {
                    var ds = new H5Dataset(bools);
                    SetEncoding(ds, "array", "0.2.0");
                    return ds;
                }
                return Nullable("nullable-boolean", bools, values);
            }
            case StringColumn s:
            {
                var values = s.Values;
                if (values.All(v => v is not null)) return StringArray(values.Select(v => v!).ToArray());
                // Missing text: a categorical with code −1 (what pandas makes of it, readable by every anndata version).
                return Column(CategoricalColumn.FromValues(values));
            }
            case CategoricalColumn c:
            {
                var codes = c.Codes.ToArray();
                object codeArray = c.Categories.Count <= sbyte.MaxValue ? codes.Select(v => (sbyte)v).ToArray()
                    : c.Categories.Count <= short.MaxValue ? codes.Select(v => (short)v).ToArray()
                    : codes;
                var g = new H5Group
                {
                    ["codes"] = codeArray,
                    ["categories"] = StringArray(c.Categories.ToArray()),
                };
                SetEncoding(g, "categorical", "0.2.0");
                g.Attributes["ordered"] = c.Ordered ? H5Bool.TRUE : H5Bool.FALSE;
                return g;
            }
            default:
                throw new ArgumentException($"Cannot write a column of type {column.GetType().Name}.", nameof(column));
        }
    }

    private static H5Group Nullable(string encoding, object values, ReadOnlySpan<double> source)
    {
        var mask = new H5Bool[source.Length];
        for (int i = 0; i < mask.Length; i++) mask[i] = double.IsNaN(source[i]) ? H5Bool.TRUE : H5Bool.FALSE;
        var g = new H5Group { ["values"] = values, ["mask"] = mask };
        SetEncoding(g, encoding, "0.1.0");
        return g;
    }

    internal static H5Group Uns(UnsDictionary uns, string where)
    {
        var g = Dict();
        foreach (var kv in uns) g[kv.Key] = UnsValue(kv.Value, where + "/" + kv.Key);
        return g;
    }

    private static H5Object UnsValue(object value, string where)
    {
        H5Dataset ds;
        switch (value)
        {
            case UnsDictionary d: return Uns(d, where);
            case string s:
                ds = new H5Dataset(s);
                SetEncoding(ds, "string", "0.2.0");
                return ds;
            case bool b:
                ds = new H5Dataset(b ? H5Bool.TRUE : H5Bool.FALSE);
                SetEncoding(ds, "numeric-scalar", "0.2.0");
                return ds;
            case double or float or long or int:
                ds = new H5Dataset(value);
                SetEncoding(ds, "numeric-scalar", "0.2.0");
                return ds;
            case string[] strings:
                return StringArray(strings);
            case double[] or float[] or long[] or int[] or double[,] or float[,] or double[,,] or float[,,]:
                ds = new H5Dataset(value);
                SetEncoding(ds, "array", "0.2.0");
                return ds;
            default:
                throw new ArgumentException($"{where}: values of type {value.GetType().Name} cannot be written.", nameof(value));
        }
    }
}

/// <summary>HDF5 enum FALSE=0/TRUE=1 on uint8: the type h5py reads as numpy bool.</summary>
internal enum H5Bool : byte
{
    FALSE = 0,
    TRUE = 1,
}
