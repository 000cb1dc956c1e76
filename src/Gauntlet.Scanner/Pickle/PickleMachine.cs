namespace Gauntlet.Scanner.Pickle;

/// <summary>How one run of <see cref="PickleMachine"/> ended.</summary>
internal enum PickleOutcome
{
    /// <summary>A STOP opcode ended the pickle.</summary>
    Stopped,

    /// <summary>Analysis stopped early; the reason is already a finding.</summary>
    Failed,
}

/// <summary>
/// The state of one pickle (stack, marks and memo) and the opcode dispatch. Each opcode family's
/// handlers live in their own file (<c>PickleMachine.*.cs</c>); a handler returns null to go on
/// or the outcome that ends the pickle.
/// </summary>
internal sealed partial class PickleMachine(PickleAnalyzer owner, int nesting)
{
    private const int MaxLine = 64 * 1024;
    private const int MaxInlineString = 64 * 1024;
    private const int MaxNestedPickleDepth = 8;

    // Values a container may expand to before it is a memory bomb: far above any real
    // checkpoint's object count (a 1M-token vocabulary is 2M values).
    private const long MaxExpandedValues = 100_000_000;

    private readonly List<PickleValue> stack = [];
    private readonly List<int> marks = [];
    private readonly Dictionary<long, PickleValue> memo = [];
    private long opcodeOffset;
    private bool sawProto;
    private long? frameEnd;
    private bool reportedFrame;
    private bool readOutOfBand; // the last opcode read data outside the pickle (a joblib array)
    private bool reportedSelfReference;
    private bool reportedExpansion;

    private PickleInput Input => owner.Input;

    private ScanContext Context => owner.Context;

    private int MarkBase => marks.Count == 0 ? 0 : marks[^1];

    /// <summary>Runs opcodes until STOP, the end of the stream or a finding that stops analysis.</summary>
    public PickleOutcome Run()
    {
        while (true)
        {
            opcodeOffset = Input.Position;
            var op = Input.ReadByte();
            if (op < 0)
            {
                return Fail("stream ends without a STOP opcode (truncated pickle)");
            }

            if (stack.Count > Context.Options.MaxPickleStack)
            {
                return Exhausted($"more than {Context.Options.MaxPickleStack:N0} values on the stack");
            }

            readOutOfBand = false;
            if (Execute((PickleOpcode)op) is { } outcome)
            {
                return outcome;
            }

            if (frameEnd is { } end && (PickleOpcode)op != PickleOpcode.Frame)
            {
                CheckFrame(end);
            }
        }
    }

    // The one place opcodes are dispatched: every member of PickleOpcode has an arm, and any
    // other byte is reported as unknown.
    private PickleOutcome? Execute(PickleOpcode op) => op switch
    {
        PickleOpcode.Proto => Proto(),
        PickleOpcode.Frame => Frame(),
        PickleOpcode.Stop => Stop(),
        PickleOpcode.PersId => PersId(),
        PickleOpcode.BinPersId => BinPersId(),

        PickleOpcode.Mark => PushMark(),
        PickleOpcode.Pop => Pop(),
        PickleOpcode.PopMark => PopMark(),
        PickleOpcode.Dup => Dup(),

        PickleOpcode.None => Push(PickleValue.NoneValue),
        PickleOpcode.NewTrue => Push(PickleValue.Bool(true)),
        PickleOpcode.NewFalse => Push(PickleValue.Bool(false)),
        PickleOpcode.Int => IntLine(),
        PickleOpcode.Long => LongLine(),
        PickleOpcode.Float => FloatLine(),
        PickleOpcode.BinInt => BinInt(),
        PickleOpcode.BinInt1 => BinInt1(),
        PickleOpcode.BinInt2 => BinInt2(),
        PickleOpcode.BinFloat => BinFloat(),
        PickleOpcode.Long1 => Long1(),
        PickleOpcode.Long4 => Long4(),
        PickleOpcode.String => QuotedString(),
        PickleOpcode.Unicode => UnicodeLine(),
        PickleOpcode.BinString => BinString(),
        PickleOpcode.ShortBinString or PickleOpcode.ShortBinUnicode => ShortText(),
        PickleOpcode.BinUnicode => BinUnicode(),
        PickleOpcode.BinUnicode8 => BinUnicode8(),
        PickleOpcode.ShortBinBytes => ShortBinBytes(),
        PickleOpcode.BinBytes => BinBytes(),
        PickleOpcode.BinBytes8 or PickleOpcode.ByteArray8 => BinBytes8(),
        PickleOpcode.NextBuffer => Push(PickleValue.UnknownValue),
        PickleOpcode.ReadOnlyBuffer => ReadOnlyBuffer(),

        PickleOpcode.EmptyTuple => Push(PickleValue.Container(PickleValueKind.Tuple, [])),
        PickleOpcode.EmptyList => Push(PickleValue.Container(PickleValueKind.List, [])),
        PickleOpcode.EmptyDict => Push(PickleValue.Container(PickleValueKind.Dict, [])),
        PickleOpcode.EmptySet => Push(PickleValue.Container(PickleValueKind.Set, [])),
        PickleOpcode.Tuple => FromMark(PickleValueKind.Tuple),
        PickleOpcode.List => FromMark(PickleValueKind.List),
        PickleOpcode.FrozenSet => FromMark(PickleValueKind.Set),
        PickleOpcode.Dict => DictFromMark(),
        PickleOpcode.Tuple1 => TupleOf(1),
        PickleOpcode.Tuple2 => TupleOf(2),
        PickleOpcode.Tuple3 => TupleOf(3),
        PickleOpcode.Append => Append(),
        PickleOpcode.Appends or PickleOpcode.AddItems => Appends(),
        PickleOpcode.SetItem => SetItem(),
        PickleOpcode.SetItems => SetItems(),

        PickleOpcode.Put => PutLine(),
        PickleOpcode.BinPut => BinPut(),
        PickleOpcode.LongBinPut => LongBinPut(),
        PickleOpcode.Memoize => Put(memo.Count),
        PickleOpcode.Get => GetLine(),
        PickleOpcode.BinGet => BinGet(),
        PickleOpcode.LongBinGet => LongBinGet(),

        PickleOpcode.Global => Global(),
        PickleOpcode.StackGlobal => StackGlobal(),
        PickleOpcode.Inst => Inst(),
        PickleOpcode.Obj => Obj(),
        PickleOpcode.Reduce => Reduce("REDUCE with too few values"),
        PickleOpcode.NewObj => Reduce("NEWOBJ with too few values"),
        PickleOpcode.NewObjEx => NewObjEx(),
        PickleOpcode.Build => Build(),
        PickleOpcode.Ext1 => Extension(1),
        PickleOpcode.Ext2 => Extension(2),
        PickleOpcode.Ext4 => Extension(4),

        _ => Fail($"unknown opcode 0x{(byte)op:x2}"),
    };

    private PickleOutcome? Push(PickleValue value)
    {
        stack.Add(value);
        return null;
    }

    private bool TryPop(out PickleValue value)
    {
        if (stack.Count <= MarkBase)
        {
            value = PickleValue.UnknownValue;
            return false;
        }

        value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return true;
    }

    private bool TryPopMark(out List<PickleValue> items)
    {
        if (marks.Count == 0)
        {
            items = [];
            return false;
        }

        var start = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return true;
    }

    private PickleOutcome Fail(string message)
    {
        Context.Add("pickle.malformed", Severity.Medium, message, owner.Location, opcodeOffset);
        return PickleOutcome.Failed;
    }

    private PickleOutcome Exhausted(string message)
    {
        Context.Add("pickle.resource-exhaustion", Severity.High, message + "; analysis stopped", owner.Location, opcodeOffset);
        return PickleOutcome.Failed;
    }
}
