using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gauntlet.Scanner.Pickle;

/// <summary>How the stream after the first pickle is treated.</summary>
internal enum PickleLayout
{
    /// <summary>A pickle file: anything after the first STOP is another pickle and is reported.</summary>
    Standalone,

    /// <summary>Legacy PyTorch: magic, protocol, sys info, payload and storage keys, then raw storage bytes.</summary>
    LegacyTorch,
}

/// <summary>What the analyser learned beyond its findings.</summary>
internal sealed record PickleSummary(int PickleCount, bool SawJoblibArrays, long BytesRead);

/// <summary>
/// Runs a pickle stream on a symbolic machine: every opcode of protocols 0 to 5 with real stack,
/// mark and memo semantics, following GLOBAL, STACK_GLOBAL, INST, OBJ, NEWOBJ(_EX), REDUCE and
/// BUILD so that every callable the stream would import or invoke is known, with its arguments
/// where they are constants. Nothing is ever imported, called or deserialised.
/// </summary>
internal sealed class PickleAnalyzer
{
    private const int MaxLine = 64 * 1024;
    private const int MaxInlineString = 64 * 1024;
    private const int MaxPickles = 64;
    private const int MaxNestedPickleDepth = 8;

    private readonly PickleInput input;
    private readonly ScanContext context;
    private readonly string location;
    private readonly Dictionary<string, ImportRecord> imports = new(StringComparer.Ordinal);
    private bool sawJoblib;

    private PickleAnalyzer(PickleInput input, ScanContext context, string location)
    {
        this.input = input;
        this.context = context;
        this.location = location;
    }

    /// <summary>Analyses every pickle in <paramref name="stream"/> and adds findings to <paramref name="context"/>.</summary>
    public static PickleSummary Analyze(Stream stream, long? length, string location, ScanContext context, PickleLayout layout = PickleLayout.Standalone)
    {
        var analyzer = new PickleAnalyzer(new PickleInput(stream, length), context, location);
        var count = analyzer.RunAll(layout);
        analyzer.ReportImports();
        return new PickleSummary(count, analyzer.sawJoblib, analyzer.input.Position);
    }

    private int RunAll(PickleLayout layout)
    {
        var count = 0;
        while (true)
        {
            var start = input.Position;
            var outcome = new Machine(this, 0).Run();
            count++;
            if (outcome != Outcome.Stopped)
            {
                return count;
            }

            if (layout == PickleLayout.LegacyTorch)
            {
                if (count == 5)
                {
                    return count;
                }

                continue;
            }

            if (input.PeekByte() < 0)
            {
                return count;
            }

            if (count == 1)
            {
                context.Add("pickle.multiple-pickles", Severity.Medium, "more pickle data follows the first STOP; loaders that call load() repeatedly run every pickle", location, input.Position);
            }

            if (count >= MaxPickles)
            {
                context.Add("pickle.resource-exhaustion", Severity.High, $"more than {MaxPickles} concatenated pickles; the rest was not analysed", location, start);
                return count;
            }
        }
    }

    private void ReportImports()
    {
        var allowed = new List<string>();
        foreach (var (key, record) in imports.OrderBy(p => p.Value.FirstOffset))
        {
            var verdict = CallableClassifier.Classify(record.Module, record.Name);
            if (verdict.Severity == Severity.Info)
            {
                allowed.Add(key);
                continue;
            }

            var use = record.FirstCall is { } call
                ? $"called as {call}" + (record.Calls > 1 ? $" ({record.Calls} calls)" : string.Empty)
                : "imported (importing runs module code)";
            context.Add(verdict.RuleId, verdict.Severity, $"{key}: {verdict.Reason}; {use}", location, record.FirstOffset);
        }

        if (allowed.Count > 0)
        {
            context.Add("pickle.allowed-callable", Severity.Info, $"allowlisted callables: {string.Join(", ", allowed)}", location);
        }
    }

    private void RecordImport(string module, string name, long offset)
    {
        var key = module + "." + name;
        if (!imports.TryGetValue(key, out var record))
        {
            if (imports.Count > 10_000)
            {
                return;
            }

            record = new ImportRecord(module, name, offset);
            imports[key] = record;
        }
    }

    private enum Outcome
    {
        Stopped,
        Failed,
    }

    private sealed class ImportRecord(string module, string name, long offset)
    {
        public string Module { get; } = module;

        public string Name { get; } = name;

        public long FirstOffset { get; } = offset;

        public string? FirstCall { get; set; }

        public int Calls { get; set; }
    }

    /// <summary>The state of one pickle: stack, marks and memo.</summary>
    private sealed class Machine(PickleAnalyzer owner, int nesting)
    {
        private readonly List<PickleValue> stack = [];
        private readonly List<int> marks = [];
        private readonly Dictionary<long, PickleValue> memo = [];
        private long opcodeOffset;

        private PickleInput Input => owner.input;

        private ScanContext Context => owner.context;

        public Outcome Run()
        {
            var sawProto = false;
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

                switch (op)
                {
                    case 0x80: // PROTO
                        var protocol = Input.ReadByte();
                        if (protocol is < 0 or > 5)
                        {
                            return Fail($"unsupported protocol {protocol}");
                        }

                        if (sawProto || opcodeOffset != 0 && stack.Count > 0)
                        {
                            Context.Add("pickle.malformed", Severity.Low, "PROTO opcode in the middle of a pickle", owner.location, opcodeOffset);
                        }

                        sawProto = true;
                        break;
                    case 0x95: // FRAME
                        if (!TryReadUInt64(out var frame))
                        {
                            return Fail("truncated FRAME");
                        }

                        if (Input.Remaining is { } left && frame > (ulong)left)
                        {
                            return Exhausted($"FRAME declares {frame:N0} bytes but {left:N0} remain");
                        }

                        break;
                    case '.': // STOP
                        if (!TryPop(out _))
                        {
                            return Fail("STOP with an empty stack");
                        }

                        return Outcome.Stopped;
                    case '(': // MARK
                        marks.Add(stack.Count);
                        break;
                    case '0': // POP
                        if (stack.Count > MarkBase)
                        {
                            stack.RemoveAt(stack.Count - 1);
                        }
                        else if (marks.Count > 0 && stack.Count == marks[^1])
                        {
                            marks.RemoveAt(marks.Count - 1); // POP of a bare mark, as CPython allows.
                        }
                        else
                        {
                            return Fail("POP with an empty stack");
                        }

                        break;
                    case '1': // POP_MARK
                        if (!TryPopMark(out _))
                        {
                            return Fail("POP_MARK without a MARK");
                        }

                        break;
                    case '2': // DUP
                        if (stack.Count <= MarkBase)
                        {
                            return Fail("DUP with an empty stack");
                        }

                        stack.Add(stack[^1]);
                        break;
                    case 'N':
                        stack.Add(PickleValue.NoneValue);
                        break;
                    case 0x88:
                        stack.Add(PickleValue.Bool(true));
                        break;
                    case 0x89:
                        stack.Add(PickleValue.Bool(false));
                        break;
                    case 'I':
                        {
                            var line = Input.ReadLine(MaxLine);
                            if (line is null)
                            {
                                return Fail("truncated INT");
                            }

                            stack.Add(line switch
                            {
                                "01" => PickleValue.Bool(true),
                                "00" => PickleValue.Bool(false),
                                _ => long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? PickleValue.Int(v) : PickleValue.BigInt(line),
                            });
                            break;
                        }

                    case 'L':
                        {
                            var line = Input.ReadLine(MaxLine);
                            if (line is null)
                            {
                                return Fail("truncated LONG");
                            }

                            var digits = line.TrimEnd('L');
                            stack.Add(long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? PickleValue.Int(v) : PickleValue.BigInt(digits));
                            break;
                        }

                    case 'F':
                        {
                            var line = Input.ReadLine(MaxLine);
                            if (line is null)
                            {
                                return Fail("truncated FLOAT");
                            }

                            stack.Add(PickleValue.Float(double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN));
                            break;
                        }

                    case 'J':
                        {
                            Span<byte> b = stackalloc byte[4];
                            if (!Input.TryRead(b))
                            {
                                return Fail("truncated BININT");
                            }

                            stack.Add(PickleValue.Int(BinaryPrimitives.ReadInt32LittleEndian(b)));
                            break;
                        }

                    case 'K':
                        {
                            var b = Input.ReadByte();
                            if (b < 0)
                            {
                                return Fail("truncated BININT1");
                            }

                            stack.Add(PickleValue.Int(b));
                            break;
                        }

                    case 'M':
                        {
                            Span<byte> b = stackalloc byte[2];
                            if (!Input.TryRead(b))
                            {
                                return Fail("truncated BININT2");
                            }

                            stack.Add(PickleValue.Int(BinaryPrimitives.ReadUInt16LittleEndian(b)));
                            break;
                        }

                    case 'G':
                        {
                            Span<byte> b = stackalloc byte[8];
                            if (!Input.TryRead(b))
                            {
                                return Fail("truncated BINFLOAT");
                            }

                            stack.Add(PickleValue.Float(BinaryPrimitives.ReadDoubleBigEndian(b)));
                            break;
                        }

                    case 0x8a: // LONG1
                        {
                            var n = Input.ReadByte();
                            if (n < 0 || !TryReadLong(n, out var value))
                            {
                                return Fail("truncated LONG1");
                            }

                            stack.Add(value);
                            break;
                        }

                    case 0x8b: // LONG4
                        {
                            if (!TryReadInt32(out var n) || n < 0)
                            {
                                return Fail("truncated or negative LONG4 length");
                            }

                            if (n > 1 << 20)
                            {
                                return Exhausted($"LONG4 declares a {n:N0}-byte integer");
                            }

                            if (!TryReadLong(n, out var value))
                            {
                                return Fail("truncated LONG4");
                            }

                            stack.Add(value);
                            break;
                        }

                    case 'S': // STRING (quoted repr)
                        {
                            var line = Input.ReadLine(MaxLine);
                            if (line is null || line.Length < 2 || line[0] != line[^1] || line[0] is not ('\'' or '"'))
                            {
                                return Fail("malformed STRING");
                            }

                            stack.Add(PickleValue.String(line[1..^1]));
                            break;
                        }

                    case 'V': // UNICODE (raw-unicode-escape)
                        {
                            var line = Input.ReadLine(MaxLine);
                            if (line is null)
                            {
                                return Fail("truncated UNICODE");
                            }

                            stack.Add(PickleValue.String(line));
                            break;
                        }

                    case 'T': // BINSTRING
                        {
                            if (!TryReadInt32(out var n) || n < 0)
                            {
                                return Fail("truncated or negative BINSTRING length");
                            }

                            if (!TryReadText(n, out var text, out var failure))
                            {
                                return failure;
                            }

                            stack.Add(text);
                            break;
                        }

                    case 'U': // SHORT_BINSTRING
                    case 0x8c: // SHORT_BINUNICODE
                        {
                            var n = Input.ReadByte();
                            if (n < 0 || !TryReadText(n, out var text, out var failure))
                            {
                                return Fail("truncated short string");
                            }

                            stack.Add(text);
                            break;
                        }

                    case 'X': // BINUNICODE
                        {
                            if (!TryReadUInt32(out var n))
                            {
                                return Fail("truncated BINUNICODE");
                            }

                            if (!TryReadText(n, out var text, out var failure))
                            {
                                return failure;
                            }

                            stack.Add(text);
                            break;
                        }

                    case 0x8d: // BINUNICODE8
                        {
                            if (!TryReadUInt64(out var n))
                            {
                                return Fail("truncated BINUNICODE8");
                            }

                            if (!TryReadText(n, out var text, out var failure))
                            {
                                return failure;
                            }

                            stack.Add(text);
                            break;
                        }

                    case 'C': // SHORT_BINBYTES
                        {
                            var n = Input.ReadByte();
                            if (n < 0 || !TryReadBytes((ulong)n, out var bytes, out _))
                            {
                                return Fail("truncated SHORT_BINBYTES");
                            }

                            stack.Add(bytes);
                            break;
                        }

                    case 'B': // BINBYTES
                        {
                            if (!TryReadUInt32(out var n))
                            {
                                return Fail("truncated BINBYTES");
                            }

                            if (!TryReadBytes(n, out var bytes, out var failure))
                            {
                                return failure;
                            }

                            stack.Add(bytes);
                            break;
                        }

                    case 0x8e: // BINBYTES8
                    case 0x96: // BYTEARRAY8
                        {
                            if (!TryReadUInt64(out var n))
                            {
                                return Fail("truncated BINBYTES8/BYTEARRAY8");
                            }

                            if (!TryReadBytes(n, out var bytes, out var failure))
                            {
                                return failure;
                            }

                            stack.Add(bytes);
                            break;
                        }

                    case 0x97: // NEXT_BUFFER
                        stack.Add(PickleValue.UnknownValue);
                        break;
                    case 0x98: // READONLY_BUFFER
                        if (stack.Count <= MarkBase)
                        {
                            return Fail("READONLY_BUFFER with an empty stack");
                        }

                        break;
                    case ')':
                        stack.Add(PickleValue.Container(PickleValueKind.Tuple, []));
                        break;
                    case ']':
                        stack.Add(PickleValue.Container(PickleValueKind.List, []));
                        break;
                    case '}':
                        stack.Add(PickleValue.Container(PickleValueKind.Dict, []));
                        break;
                    case 0x8f:
                        stack.Add(PickleValue.Container(PickleValueKind.Set, []));
                        break;
                    case 't':
                    case 'l':
                    case 0x91: // FROZENSET
                        {
                            if (!TryPopMark(out var items))
                            {
                                return Fail("container opcode without a MARK");
                            }

                            stack.Add(PickleValue.Container(op == 't' ? PickleValueKind.Tuple : op == 'l' ? PickleValueKind.List : PickleValueKind.Set, items));
                            break;
                        }

                    case 'd':
                        {
                            if (!TryPopMark(out var items))
                            {
                                return Fail("DICT without a MARK");
                            }

                            stack.Add(PickleValue.Container(PickleValueKind.Dict, items.Count % 2 == 0 ? items : items.Take(items.Count - 1)));
                            break;
                        }

                    case 0x85:
                    case 0x86:
                    case 0x87:
                        {
                            var n = op - 0x84;
                            if (stack.Count - MarkBase < n)
                            {
                                return Fail($"TUPLE{n} with too few values");
                            }

                            var items = stack.GetRange(stack.Count - n, n);
                            stack.RemoveRange(stack.Count - n, n);
                            stack.Add(PickleValue.Container(PickleValueKind.Tuple, items));
                            break;
                        }

                    case 'a': // APPEND
                        {
                            if (!TryPop(out var item) || stack.Count <= MarkBase)
                            {
                                return Fail("APPEND without a list");
                            }

                            AddTo(stack[^1], item);
                            break;
                        }

                    case 'e': // APPENDS
                    case 0x90: // ADDITEMS
                        {
                            if (!TryPopMark(out var items) || stack.Count <= MarkBase)
                            {
                                return Fail("APPENDS/ADDITEMS without a MARK and a container");
                            }

                            foreach (var item in items)
                            {
                                AddTo(stack[^1], item);
                            }

                            break;
                        }

                    case 's': // SETITEM
                        {
                            if (!TryPop(out var value) || !TryPop(out var key) || stack.Count <= MarkBase)
                            {
                                return Fail("SETITEM without a dict");
                            }

                            AddTo(stack[^1], key);
                            AddTo(stack[^1], value);
                            break;
                        }

                    case 'u': // SETITEMS
                        {
                            if (!TryPopMark(out var items) || stack.Count <= MarkBase)
                            {
                                return Fail("SETITEMS without a MARK and a dict");
                            }

                            for (var i = 0; i + 1 < items.Count; i += 2)
                            {
                                AddTo(stack[^1], items[i]);
                                AddTo(stack[^1], items[i + 1]);
                            }

                            break;
                        }

                    case 'c': // GLOBAL
                        {
                            var module = Input.ReadLine(MaxLine);
                            var name = module is null ? null : Input.ReadLine(MaxLine);
                            if (module is null || name is null)
                            {
                                return Fail("truncated GLOBAL");
                            }

                            owner.RecordImport(module, name, opcodeOffset);
                            stack.Add(PickleValue.Global(module, name));
                            break;
                        }

                    case 0x93: // STACK_GLOBAL
                        {
                            if (!TryPop(out var name) || !TryPop(out var module))
                            {
                                return Fail("STACK_GLOBAL with too few values");
                            }

                            if (module.Kind != PickleValueKind.Text || name.Kind != PickleValueKind.Text)
                            {
                                Context.Add("pickle.dynamic-callable", Severity.High, $"STACK_GLOBAL on values that are not constant strings ({module.Render()}, {name.Render()}): the imported name is decided at load time", owner.location, opcodeOffset);
                                stack.Add(PickleValue.UnknownValue);
                                break;
                            }

                            owner.RecordImport(module.Text!, name.Text!, opcodeOffset);
                            stack.Add(PickleValue.Global(module.Text!, name.Text!));
                            break;
                        }

                    case 'i': // INST
                        {
                            var module = Input.ReadLine(MaxLine);
                            var name = module is null ? null : Input.ReadLine(MaxLine);
                            if (module is null || name is null || !TryPopMark(out var args))
                            {
                                return Fail("malformed INST");
                            }

                            owner.RecordImport(module, name, opcodeOffset);
                            var callable = PickleValue.Global(module, name);
                            stack.Add(Invoke(callable, PickleValue.Container(PickleValueKind.Tuple, args)));
                            break;
                        }

                    case 'o': // OBJ
                        {
                            if (!TryPopMark(out var items) || items.Count == 0)
                            {
                                return Fail("OBJ without a class");
                            }

                            stack.Add(Invoke(items[0], PickleValue.Container(PickleValueKind.Tuple, items.Skip(1))));
                            break;
                        }

                    case 'R': // REDUCE
                    case 0x81: // NEWOBJ
                        {
                            if (!TryPop(out var args) || !TryPop(out var callable))
                            {
                                return Fail(op == 'R' ? "REDUCE with too few values" : "NEWOBJ with too few values");
                            }

                            stack.Add(Invoke(callable, args));
                            break;
                        }

                    case 0x92: // NEWOBJ_EX
                        {
                            if (!TryPop(out _) || !TryPop(out var args) || !TryPop(out var callable))
                            {
                                return Fail("NEWOBJ_EX with too few values");
                            }

                            stack.Add(Invoke(callable, args));
                            break;
                        }

                    case 'b': // BUILD
                        {
                            if (!TryPop(out var state) || stack.Count <= MarkBase)
                            {
                                return Fail("BUILD without an object");
                            }

                            var target = stack[^1];
                            if (target.Kind == PickleValueKind.Global)
                            {
                                Context.Add("pickle.dynamic-callable", Severity.High, $"BUILD sets state on the imported global {target.Text} (monkey-patching a module-level object)", owner.location, opcodeOffset);
                            }
                            else if (target.Kind == PickleValueKind.Call)
                            {
                                target.State = state;
                                if (IsJoblibWrapper(target) && ReadJoblibArray(state) is { } failure)
                                {
                                    return failure;
                                }
                            }

                            break;
                        }

                    case 'P': // PERSID
                        {
                            var line = Input.ReadLine(MaxLine);
                            if (line is null)
                            {
                                return Fail("truncated PERSID");
                            }

                            stack.Add(PickleValue.Persistent(PickleValue.String(line)));
                            break;
                        }

                    case 'Q': // BINPERSID
                        {
                            if (!TryPop(out var id))
                            {
                                return Fail("BINPERSID with an empty stack");
                            }

                            stack.Add(PickleValue.Persistent(id));
                            break;
                        }

                    case 0x82: // EXT1
                    case 0x83: // EXT2
                    case 0x84: // EXT4
                        {
                            Span<byte> b = stackalloc byte[4];
                            var size = op == 0x82 ? 1 : op == 0x83 ? 2 : 4;
                            if (!Input.TryRead(b[..size]))
                            {
                                return Fail("truncated EXT opcode");
                            }

                            Context.Add("pickle.extension-registry", Severity.Medium, "EXT opcode resolves a callable through copyreg's extension registry, which is not visible statically", owner.location, opcodeOffset);
                            stack.Add(PickleValue.UnknownValue);
                            break;
                        }

                    case 'p': // PUT
                        {
                            var line = Input.ReadLine(MaxLine);
                            if (line is null || !long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                            {
                                return Fail("malformed PUT");
                            }

                            if (Put(index) is { } failure)
                            {
                                return failure;
                            }

                            break;
                        }

                    case 'q': // BINPUT
                        {
                            var index = Input.ReadByte();
                            if (index < 0)
                            {
                                return Fail("truncated BINPUT");
                            }

                            if (Put(index) is { } failure)
                            {
                                return failure;
                            }

                            break;
                        }

                    case 'r': // LONG_BINPUT
                        {
                            if (!TryReadUInt32(out var index))
                            {
                                return Fail("truncated LONG_BINPUT");
                            }

                            if (Put((long)index) is { } failure)
                            {
                                return failure;
                            }

                            break;
                        }

                    case 0x94: // MEMOIZE
                        if (Put(memo.Count) is { } memoFailure)
                        {
                            return memoFailure;
                        }

                        break;
                    case 'g': // GET
                        {
                            var line = Input.ReadLine(MaxLine);
                            if (line is null || !long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                            {
                                return Fail("malformed GET");
                            }

                            Get(index);
                            break;
                        }

                    case 'h': // BINGET
                        {
                            var index = Input.ReadByte();
                            if (index < 0)
                            {
                                return Fail("truncated BINGET");
                            }

                            Get(index);
                            break;
                        }

                    case 'j': // LONG_BINGET
                        {
                            if (!TryReadUInt32(out var index))
                            {
                                return Fail("truncated LONG_BINGET");
                            }

                            Get((long)index);
                            break;
                        }

                    default:
                        return Fail($"unknown opcode 0x{op:x2}");
                }
            }
        }

        private int MarkBase => marks.Count == 0 ? 0 : marks[^1];

        private static bool IsJoblibWrapper(PickleValue value) =>
            value.RootGlobal?.Text is "joblib.numpy_pickle.NumpyArrayWrapper" or "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper";

        private static void AddTo(PickleValue container, PickleValue item)
        {
            if (container.Kind is PickleValueKind.List or PickleValueKind.Dict or PickleValueKind.Set)
            {
                container.Add(item);
            }
        }

        private PickleValue Invoke(PickleValue callable, PickleValue args)
        {
            var call = PickleValue.Call(callable, args);
            if (callable.Kind == PickleValueKind.Global)
            {
                if (owner.imports.TryGetValue(callable.Text!, out var record))
                {
                    record.Calls++;
                    record.FirstCall ??= call.Render();
                }
            }
            else if (callable.Kind is PickleValueKind.Call or PickleValueKind.Unknown or PickleValueKind.Persistent)
            {
                Context.Add("pickle.dynamic-callable", Severity.High, $"calls a value produced at load time: {call.Render()}", owner.location, opcodeOffset);
            }
            else
            {
                Context.Add("pickle.malformed", Severity.Medium, $"calls a value that is not callable: {call.Render()}", owner.location, opcodeOffset);
            }

            return call;
        }

        private Outcome? Put(long index)
        {
            if (stack.Count <= MarkBase)
            {
                return Fail("memo PUT with an empty stack");
            }

            if (index > Context.Options.MaxPickleMemo || memo.Count >= Context.Options.MaxPickleMemo)
            {
                return Exhausted($"memo index {index:N0} (a C unpickler sizes its memo table to the largest index)");
            }

            if (memo.TryGetValue(index, out var previous) && !ReferenceEquals(previous, stack[^1]))
            {
                Context.Add("pickle.memo-trick", Severity.Medium, $"memo slot {index} is overwritten (was {previous.Render()}, now {stack[^1].Render()})", owner.location, opcodeOffset);
            }

            memo[index] = stack[^1];
            return null;
        }

        private void Get(long index)
        {
            if (memo.TryGetValue(index, out var value))
            {
                stack.Add(value);
                return;
            }

            Context.Add("pickle.memo-trick", Severity.Medium, $"memo slot {index} is read before it is written", owner.location, opcodeOffset);
            stack.Add(PickleValue.UnknownValue);
        }

        /// <summary>
        /// joblib writes each array's bytes straight into the stream after the wrapper's BUILD, and
        /// its unpickler reads them there; skip them the same way, or recurse for object arrays,
        /// which joblib stores as a nested pickle.
        /// </summary>
        private Outcome? ReadJoblibArray(PickleValue state)
        {
            owner.sawJoblib = true;
            var shape = state.Lookup("shape");
            var dtype = state.Lookup("dtype");
            if (shape is not { Kind: PickleValueKind.Tuple, Items: { } dims } || shape.Count != dims.Count
                || dtype is not { Kind: PickleValueKind.Call, Arguments.Items: [{ Kind: PickleValueKind.Text, Text: { } descr }, ..] })
            {
                return Fail("joblib array wrapper without a static shape and dtype; the array bytes that follow cannot be located");
            }

            BigInteger count = 1;
            foreach (var dim in dims)
            {
                if (dim.Kind != PickleValueKind.Int || dim.Text is not null || dim.Integer < 0)
                {
                    return Fail("joblib array shape is not a tuple of small non-negative integers");
                }

                count *= dim.Integer;
            }

            var (isObject, itemSize) = ParseDescr(descr);
            if (isObject)
            {
                if (count == 0)
                {
                    return null;
                }

                if (nesting >= MaxNestedPickleDepth)
                {
                    return Exhausted("joblib object arrays nested too deeply");
                }

                return new Machine(owner, nesting + 1).Run() == Outcome.Stopped ? null : Outcome.Failed;
            }

            if (itemSize <= 0)
            {
                return Fail($"joblib array dtype '{descr}' has no static item size");
            }

            if (state.Lookup("numpy_array_alignment_bytes") is not null && state.Lookup("numpy_array_alignment_bytes")!.Kind != PickleValueKind.None)
            {
                var padding = Input.ReadByte();
                if (padding < 0 || !Input.TrySkip(padding))
                {
                    return Fail("truncated joblib alignment padding");
                }
            }

            var bytes = count * itemSize;
            if (Input.Remaining is { } left && bytes > left)
            {
                return Exhausted($"joblib array declares {bytes:N0} bytes but {left:N0} remain");
            }

            if (bytes > long.MaxValue || !Input.TrySkip((long)bytes))
            {
                return Fail("truncated joblib array data");
            }

            return null;
        }

        private static (bool IsObject, int ItemSize) ParseDescr(string descr)
        {
            var text = descr.TrimStart('<', '>', '|', '=');
            if (text.Length == 0)
            {
                return (false, 0);
            }

            var kind = text[0];
            if (kind == 'O')
            {
                return (true, 8);
            }

            if (!int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            {
                return (false, 0);
            }

            return kind switch
            {
                'U' => (false, 4 * n),
                'b' or 'i' or 'u' or 'f' or 'c' or 'S' or 'V' or 'm' or 'M' or 'a' => (false, n),
                _ => (false, 0),
            };
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

        private bool TryReadInt32(out int value)
        {
            Span<byte> b = stackalloc byte[4];
            var ok = Input.TryRead(b);
            value = ok ? BinaryPrimitives.ReadInt32LittleEndian(b) : 0;
            return ok;
        }

        private bool TryReadUInt32(out ulong value)
        {
            Span<byte> b = stackalloc byte[4];
            var ok = Input.TryRead(b);
            value = ok ? BinaryPrimitives.ReadUInt32LittleEndian(b) : 0;
            return ok;
        }

        private bool TryReadUInt64(out ulong value)
        {
            Span<byte> b = stackalloc byte[8];
            var ok = Input.TryRead(b);
            value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(b) : 0;
            return ok;
        }

        private bool TryReadLong(int n, out PickleValue value)
        {
            var bytes = new byte[n];
            if (!Input.TryRead(bytes))
            {
                value = PickleValue.UnknownValue;
                return false;
            }

            var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
            value = big >= long.MinValue && big <= long.MaxValue ? PickleValue.Int((long)big) : PickleValue.BigInt(n > 64 ? $"<{n}-byte integer>" : big.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        private bool TryReadText(ulong length, out PickleValue value, out Outcome failure)
        {
            value = PickleValue.UnknownValue;
            if (!CheckDeclaredLength(length, out failure))
            {
                return false;
            }

            if (length <= MaxInlineString)
            {
                var bytes = new byte[length];
                if (!Input.TryRead(bytes))
                {
                    failure = Fail("truncated string");
                    return false;
                }

                value = PickleValue.String(Encoding.UTF8.GetString(bytes));
                return true;
            }

            if (!TryReadBytes(length, out var preview, out failure))
            {
                return false;
            }

            value = PickleValue.String($"<{length:N0}-character string starting {preview.Text}>");
            return true;
        }

        private bool TryReadText(int length, out PickleValue value, out Outcome failure) => TryReadText((ulong)length, out value, out failure);

        private bool TryReadBytes(ulong length, out PickleValue value, out Outcome failure)
        {
            value = PickleValue.UnknownValue;
            if (!CheckDeclaredLength(length, out failure))
            {
                return false;
            }

            var previewLength = (int)Math.Min(length, 16UL);
            Span<byte> preview = stackalloc byte[16];
            if (!Input.TryRead(preview[..previewLength]) || !Input.TrySkip((long)length - previewLength))
            {
                failure = Fail("truncated bytes");
                return false;
            }

            value = PickleValue.Bytes((long)length, Convert.ToHexString(preview[..previewLength]).ToLowerInvariant());
            return true;
        }

        private bool CheckDeclaredLength(ulong length, out Outcome failure)
        {
            failure = Outcome.Failed;
            if (Input.Remaining is { } left && length > (ulong)left)
            {
                failure = Exhausted($"declares a {length:N0}-byte value but {left:N0} bytes remain");
                return false;
            }

            if (length > (ulong)Context.Options.MaxEntryBytes)
            {
                failure = Exhausted($"declares a {length:N0}-byte value");
                return false;
            }

            return true;
        }

        private Outcome Fail(string message)
        {
            Context.Add("pickle.malformed", Severity.Medium, message, owner.location, opcodeOffset);
            return Outcome.Failed;
        }

        private Outcome Exhausted(string message)
        {
            Context.Add("pickle.resource-exhaustion", Severity.High, message + "; analysis stopped", owner.location, opcodeOffset);
            return Outcome.Failed;
        }
    }
}
