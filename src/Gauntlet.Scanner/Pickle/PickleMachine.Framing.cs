namespace Gauntlet.Scanner.Pickle;

/// <summary>Protocol, framing, STOP and persistent ids.</summary>
internal sealed partial class PickleMachine
{
    private PickleOutcome? Proto()
    {
        var protocol = Input.ReadByte();
        if (protocol is < 0 or > 5)
        {
            return Fail($"unsupported protocol {protocol}");
        }

        if (sawProto || opcodeOffset != 0 && stack.Count > 0)
        {
            Context.Add("pickle.anomaly", Severity.Medium, "a second PROTO opcode in the middle of a pickle; CPython accepts it, stricter readers stop there and miss what follows", owner.Location, opcodeOffset);
        }

        sawProto = true;
        return null;
    }

    private PickleOutcome? Frame()
    {
        if (!TryReadUInt64(out var frame))
        {
            return Fail("truncated FRAME");
        }

        // A frame longer than the rest of the stream makes a C unpickler allocate it up front.
        if (Input.Remaining is { } left && frame > (ulong)left)
        {
            return Exhausted($"FRAME declares {frame:N0} bytes but {left:N0} remain");
        }

        if (frameEnd is { } previous && opcodeOffset < previous && !reportedFrame)
        {
            reportedFrame = true;
            Context.Add("pickle.anomaly", Severity.Medium, $"a FRAME starts {previous - opcodeOffset:N0} bytes before the previous frame ends; Python's unpickler refuses this, the C one reads on", owner.Location, opcodeOffset);
        }

        frameEnd = Input.Position + (long)Math.Min(frame, (ulong)long.MaxValue / 2);
        return null;
    }

    // An opcode that starts inside a frame must end inside it: pickle.py reads opcodes from the
    // frame's buffer and fails on a straddling one, while the C unpickler reads straight through,
    // so the two see different pickles.
    private void CheckFrame(long end)
    {
        // joblib commits the frame and writes array bytes after a wrapper's BUILD: not a straddle.
        if (opcodeOffset < end && Input.Position > end && !reportedFrame && !readOutOfBand)
        {
            reportedFrame = true;
            Context.Add("pickle.anomaly", Severity.Medium, $"an opcode at offset {opcodeOffset:N0} straddles the end of its FRAME (at {end:N0}); Python's and C's unpicklers disagree about such a stream", owner.Location, opcodeOffset);
        }

        if (Input.Position >= end)
        {
            frameEnd = null;
        }
    }

    private PickleOutcome? Stop() => TryPop(out _) ? PickleOutcome.Stopped : Fail("STOP with an empty stack");

    private PickleOutcome? PersId()
    {
        var line = Input.ReadLine(MaxLine);
        if (line is null)
        {
            return Fail("truncated PERSID");
        }

        return Push(PickleValue.Persistent(PickleValue.String(line)));
    }

    private PickleOutcome? BinPersId() =>
        TryPop(out var id) ? Push(PickleValue.Persistent(id)) : Fail("BINPERSID with an empty stack");
}
