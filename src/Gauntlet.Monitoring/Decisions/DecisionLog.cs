using System.Threading.Channels;
using Gauntlet.Governance.Log;

namespace Gauntlet.Monitoring.Decisions;

/// <summary>Where a decision landed in the log.</summary>
/// <param name="Id">The decision's id.</param>
/// <param name="Index">Its entry index in the Merkle log.</param>
public readonly record struct LoggedDecision(string Id, long Index);

/// <summary>A logged decision with its inclusion proof in the current tree, checked.</summary>
/// <param name="Index">The entry index.</param>
/// <param name="Record">The decision, or null when the entry is not a decision record.</param>
/// <param name="Proof">The inclusion proof against the current root.</param>
/// <param name="Verified">Whether the proof verifies (leaf hash of the stored bytes, audit path, root).</param>
public sealed record DecisionProof(long Index, DecisionRecord? Record, InclusionProof Proof, bool Verified);

/// <summary>
/// A batched appender of <see cref="DecisionRecord"/>s to the tamper-evident <see cref="MerkleLog"/>:
/// callers await <see cref="AppendAsync"/>, which completes only after the record is durable; a
/// single writer drains whatever is queued (up to <c>maxBatch</c>) and appends it with one fsync per
/// file (group commit), so the fsync cost is shared by all concurrent requests. Thread-safe.
/// </summary>
public sealed class DecisionLog : IAsyncDisposable, IDisposable
{
    private readonly Channel<(byte[] Bytes, string Id, TaskCompletionSource<LoggedDecision> Done)> _queue =
        Channel.CreateUnbounded<(byte[], string, TaskCompletionSource<LoggedDecision>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly MerkleLog _log;
    private readonly Lock _logGate = new();
    private readonly Task _writer;
    private readonly int _maxBatch;
    private long _batches;
    private long _appended;

    private DecisionLog(MerkleLog log, int maxBatch)
    {
        _log = log;
        _maxBatch = maxBatch;
        _writer = Task.Run(WriteLoop);
    }

    /// <summary>Opens (or creates) the log in <paramref name="folder"/>.</summary>
    /// <param name="folder">The log's folder (a Gauntlet Merkle log).</param>
    /// <param name="maxBatch">Most records appended with one fsync.</param>
    public static DecisionLog Open(string folder, int maxBatch = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        return new DecisionLog(MerkleLog.Open(folder), maxBatch);
    }

    /// <summary>The log's folder.</summary>
    public string Folder => _log.Folder;

    /// <summary>Entries in the log.</summary>
    public long Size
    {
        get
        {
            lock (_logGate)
            {
                return _log.Size;
            }
        }
    }

    /// <summary>Batches written (fsync rounds).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Records appended by this process.</summary>
    public long Appended => Interlocked.Read(ref _appended);

    /// <summary>Queues <paramref name="record"/> and completes once it is durable in the log.</summary>
    /// <exception cref="ObjectDisposedException">The log is closing.</exception>
    public Task<LoggedDecision> AppendAsync(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var done = new TaskCompletionSource<LoggedDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((record.ToBytes(), record.Id, done)))
        {
            throw new ObjectDisposedException(nameof(DecisionLog), "the decision log is closing.");
        }

        return done.Task;
    }

    /// <summary>The decision at <paramref name="index"/> with its inclusion proof in the current tree, verified here.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No entry has that index.</exception>
    public DecisionProof Prove(long index)
    {
        lock (_logGate)
        {
            if (index < 0 || index >= _log.Size)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"the log has {_log.Size} entries; {index} is not one of them.");
            }

            var bytes = _log.ReadEntry(index);
            var proof = _log.ProveInclusion(index);
            var verified = proof.LeafHash.AsSpan().SequenceEqual(MerkleHash.Leaf(bytes)) && proof.Verify() && proof.RootHash.AsSpan().SequenceEqual(_log.Root());
            return new DecisionProof(index, DecisionRecord.TryParse(bytes), proof, verified);
        }
    }

    /// <summary>The decision at <paramref name="index"/>, or null when the entry is not one.</summary>
    public DecisionRecord? Read(long index)
    {
        lock (_logGate)
        {
            return DecisionRecord.TryParse(_log.ReadEntry(index));
        }
    }

    private async Task WriteLoop()
    {
        var batch = new List<(byte[] Bytes, string Id, TaskCompletionSource<LoggedDecision> Done)>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                long first;
                lock (_logGate)
                {
                    first = _log.AppendMany([.. batch.Select(b => b.Bytes)]);
                }

                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _appended, batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(new LoggedDecision(batch[i].Id, first + i));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                foreach (var b in batch)
                {
                    b.Done.TrySetException(e);
                }
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _log.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
