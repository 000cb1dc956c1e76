namespace Gauntlet.Scanner.Containers;

/// <summary>
/// Passes reads through until <c>limit</c> bytes have been produced, then reports end of stream
/// and sets <see cref="LimitReached"/>, so a decompression bomb is cut off rather than expanded.
/// </summary>
internal sealed class LimitedStream(Stream inner, long limit) : Stream
{
    private long produced;

    public bool LimitReached { get; private set; }

    public long Produced => produced;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => produced;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (produced >= limit)
        {
            // Tell a full window apart from a stream that ended exactly at the limit.
            Span<byte> probe = stackalloc byte[1];
            if (!LimitReached && inner.Read(probe) > 0)
            {
                LimitReached = true;
            }

            return 0;
        }

        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, limit - produced)]);
        produced += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
