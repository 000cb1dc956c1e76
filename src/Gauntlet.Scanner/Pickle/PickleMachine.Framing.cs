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
            Context.Add("pickle.malformed", Severity.Low, "PROTO opcode in the middle of a pickle", owner.Location, opcodeOffset);
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

        return null;
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
