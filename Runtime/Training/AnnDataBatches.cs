using System;
using System.Runtime.InteropServices;
using DerivSpec.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>
/// Batches read from an <see cref="AnnData"/> without a second copy of the data set on the CPU: each batch's rows are
/// gathered (<see cref="ExpressionMatrix.GatherRows"/>; a sparse X densifies only these rows) into one reused float32
/// host buffer that torch reads in place; the encoder input (log1p of counts for count likelihoods) is computed per
/// batch. Only the per-cell log size factors log(library / mean library) are precomputed ([N], small). On a GPU a dense
/// X is uploaded once (through the same buffer, in slabs) and batches index into it there.
/// </summary>
internal sealed class AnnDataBatches : IBatchSource
{
    private readonly AnnData _data;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private readonly bool _counts;
    private readonly Tensor? _logLibrary;     // [N] on the device
    private readonly Tensor? _resident;       // [N, d] on the device (GPU, dense X), else null
    private Tensor? _host;                    // [capacity, d] float32 CPU, reused (kept out of every dispose scope)
    private int[] _rows = Array.Empty<int>();

    public AnnDataBatches(AnnData data, ScalarType dtype, Device device, bool counts, double libraryMean)
    {
        _data = data;
        _dtype = dtype;
        _device = device;
        _counts = counts;
        Samples = data.ObsCount;
        if (counts)
        {
            var lib = data.LibrarySizesOrRowSums();
            var log = new double[lib.Length];   // in double, then the model's dtype (as the loss would compute it)
            double floor = data.LibrarySizes is null ? 1.0 : 0.0;   // row sums are floored at 1 (an empty cell); given sizes are used as they are
            for (int i = 0; i < log.Length; i++) log[i] = Math.Log(Math.Max(lib[i], floor) / libraryMean);
            using var cpu = torch.tensor(log, dtype: ScalarType.Float64).DetachFromDisposeScope();
            _logLibrary = cpu.to(dtype, device).DetachFromDisposeScope();
        }
        if (device.type != DeviceType.CPU && !data.X.IsSparse) _resident = Upload();
    }

    public long Samples { get; }

    /// <summary>Copies X to the device in slabs of about 4M values through the host buffer.</summary>
    private Tensor Upload()
    {
        int n = _data.ObsCount, d = _data.VarCount;
        int slab = (int)Math.Clamp((1L << 22) / d, 1, n);
        var resident = torch.empty(new long[] { n, d }, dtype: _dtype, device: _device).DetachFromDisposeScope();
        for (int start = 0; start < n; start += slab)
        {
            int count = Math.Min(slab, n - start);
            using var scope = torch.NewDisposeScope();
            var block = HostRows(start, count);
            resident.narrow(0, start, count).copy_(block);
        }
        return resident;
    }

    /// <summary>Rows into the reused host buffer; the returned tensor is a view of it, valid until the next call.</summary>
    private Tensor HostRows(ReadOnlySpan<int> rows)
    {
        int b = rows.Length, d = _data.VarCount;
        if (_host is null || _host.shape[0] < b)
        {
            _host?.Dispose();
            // Lives as long as this source, whatever dispose scope the caller is in.
            _host = torch.empty(new long[] { Math.Max(b, 1), d }, dtype: ScalarType.Float32).DetachFromDisposeScope();
        }
        var span = MemoryMarshal.Cast<byte, float>(_host.bytes);
        _data.X.GatherRows(rows, span);
        return _host.narrow(0, 0, b);
    }

    private Tensor HostRows(int start, int count)
    {
        if (_rows.Length < count) _rows = new int[count];
        for (int i = 0; i < count; i++) _rows[i] = start + i;
        return HostRows(_rows.AsSpan(0, count));
    }

    private Batch Make(Tensor rowsHost, Tensor? rowsOnDevice, Func<Tensor> hostRows)
    {
        Tensor x;
        if (_resident is not null) x = _resident.index_select(0, rowsOnDevice!);
        else
        {
            var host = hostRows();
            // On the CPU in float32 the batch is the buffer itself (consumed before the next batch is gathered).
            x = _device.type == DeviceType.CPU && _dtype == ScalarType.Float32 ? host : host.to(_dtype, _device);
        }
        if (!_counts) return new Batch(x, x, null);
        var logLib = _logLibrary!.index_select(0, rowsOnDevice ?? rowsHost);
        return new Batch(x, torch.log1p(x), logLib);
    }

    public Batch Gather(Tensor rows)
    {
        var host = rows.device.type == DeviceType.CPU ? rows : rows.cpu();
        var onDevice = _device.type == DeviceType.CPU ? host : host.to(_device);
        return Make(host, _device.type == DeviceType.CPU ? null : onDevice, () =>
        {
            int b = (int)host.shape[0];
            if (_rows.Length < b) _rows = new int[b];
            using var idx = host.to(ScalarType.Int32);
            idx.data<int>().CopyTo(_rows.AsSpan(0, b), 0, 0);
            return HostRows(_rows.AsSpan(0, b));
        });
    }

    public Batch Range(long start, long count)
    {
        var host = torch.arange(start, start + count, dtype: ScalarType.Int64);
        var onDevice = _device.type == DeviceType.CPU ? null : host.to(_device);
        return Make(host, onDevice, () => HostRows((int)start, (int)count));
    }

    public void Dispose()
    {
        _host?.Dispose();
        _resident?.Dispose();
        _logLibrary?.Dispose();
    }
}
