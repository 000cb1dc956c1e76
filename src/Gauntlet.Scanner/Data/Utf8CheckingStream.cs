using System.Text;
using System.Text.Unicode;

namespace Gauntlet.Scanner.Data;

/// <summary>A read-only pass-through that counts invalid UTF-8 sequences and the bytes read (data files are decoded with replacement characters).</summary>
internal sealed class Utf8CheckingStream(Stream inner) : Stream
{
    private readonly byte[] carry = new byte[4];
    private int carried;

    public long InvalidSequences { get; private set; }

    public long FirstInvalidOffset { get; private set; } = -1;

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Check(buffer[..n], end: n == 0);
        BytesRead += n;
        return n;
    }

    private void Check(ReadOnlySpan<byte> chunk, bool end)
    {
        if (carried > 0)
        {
            // Complete a sequence split across reads: at most 3 more bytes are needed.
            Span<byte> joined = stackalloc byte[8];
            carry.AsSpan(0, carried).CopyTo(joined);
            var take = Math.Min(4, chunk.Length);
            chunk[..take].CopyTo(joined[carried..]);
            var status = Rune.DecodeFromUtf8(joined[..(carried + take)], out _, out var consumed);
            if (status == System.Buffers.OperationStatus.NeedMoreData && !end)
            {
                return;
            }

            if (status != System.Buffers.OperationStatus.Done)
            {
                Invalid(BytesRead - carried);
                consumed = carried;
            }

            chunk = chunk[Math.Max(0, consumed - carried)..];
            carried = 0;
        }

        if (Utf8.IsValid(chunk))
        {
            return;
        }

        var position = 0;
        while (position < chunk.Length)
        {
            var rest = chunk[position..];
            var valid = System.Text.Unicode.Utf8.IsValid(rest) ? rest.Length : ValidPrefix(rest);
            position += valid;
            if (position >= chunk.Length)
            {
                break;
            }

            var status = Rune.DecodeFromUtf8(chunk[position..], out _, out var consumed);
            if (status == System.Buffers.OperationStatus.NeedMoreData && !end && chunk.Length - position < 4)
            {
                chunk[position..].CopyTo(carry);
                carried = chunk.Length - position;
                return;
            }

            Invalid(BytesRead + position);
            position += Math.Max(1, consumed);
        }
    }

    private static int ValidPrefix(ReadOnlySpan<byte> bytes)
    {
        var position = 0;
        while (position < bytes.Length)
        {
            if (bytes[position] < 0x80)
            {
                position++;
                continue;
            }

            if (Rune.DecodeFromUtf8(bytes[position..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return position;
            }

            position += consumed;
        }

        return position;
    }

    private void Invalid(long offset)
    {
        InvalidSequences++;
        if (FirstInvalidOffset < 0)
        {
            FirstInvalidOffset = offset;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
