using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Gauntlet.Scanner.Pickle;

/// <summary>
/// Decides whether bytes without a PROTO header are a pickle before they are analysed as one.
/// Protocol 0 and 1 pickles have no magic number; their first byte (<c>c</c>, <c>(</c>,
/// <c>]</c>, ...) is also how plenty of text and binary files start. The probe walks the opcodes
/// in the head the way CPython's unpickler would, with a stack-depth and memo model, and stops
/// at the first thing that unpickler would refuse: an unknown opcode, a malformed line argument
/// (an empty or binary module name, an unquoted STRING), a stack underflow or a read of an unset
/// memo slot. Bytes that reach STOP, or the end of the head, without such an error are a pickle
/// (a truncated pickle still runs every call before the cut, so truncation is not a refusal).
/// So are bytes whose error comes after an import (GLOBAL, INST, STACK_GLOBAL, EXT): the
/// unpickler has imported, and may have called, by then, so those bytes are analysed.
/// </summary>
internal static class PickleProbe
{
    private const int Mark = -1;

    /// <summary>
    /// Null when <paramref name="head"/> is a well-formed pickle prefix; otherwise why the unpickler
    /// would refuse it. <paramref name="whole"/> says the head is the whole stream (so an
    /// unterminated module name is the end of the data, not the end of the head).
    /// </summary>
    public static string? Problem(ReadOnlySpan<byte> head, bool whole)
    {
        var stack = new List<int>(); // Mark for a mark, 0 for a value
        var memo = new HashSet<long>();
        var position = 0;
        var imported = false;
        while (position < head.Length)
        {
            var offset = position;
            var op = (PickleOpcode)head[position++];
            string? problem = null;
            switch (op)
            {
                case PickleOpcode.Global:
                case PickleOpcode.Inst:
                    problem = ImportLine(head, ref position, whole, "module") ?? ImportLine(head, ref position, whole, "name");
                    if (problem is null && position <= head.Length)
                    {
                        imported = true;
                        problem = op == PickleOpcode.Inst ? PopToMark(stack, 0) : null;
                        stack.Add(0);
                    }

                    break;
                case PickleOpcode.Int:
                case PickleOpcode.Long:
                    problem = Line(head, ref position, out var integer) && !IsInteger(integer, op == PickleOpcode.Long) ? "INT/LONG argument is not an integer" : null;
                    stack.Add(0);
                    break;
                case PickleOpcode.Float:
                    problem = Line(head, ref position, out var real) && !double.TryParse(Encoding.Latin1.GetString(real).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                        && !IsSpecialFloat(real) ? "FLOAT argument is not a number" : null;
                    stack.Add(0);
                    break;
                case PickleOpcode.String:
                    problem = Line(head, ref position, out var text) && !IsQuoted(text) ? "STRING argument is not quoted" : null;
                    stack.Add(0);
                    break;
                case PickleOpcode.Unicode:
                case PickleOpcode.PersId:
                    Line(head, ref position, out _);
                    stack.Add(0);
                    break;
                case PickleOpcode.Get:
                    problem = Line(head, ref position, out var key) ? MemoGet(memo, ParseIndex(key), stack) : null;
                    break;
                case PickleOpcode.Put:
                    problem = Line(head, ref position, out var slot) ? MemoPut(memo, ParseIndex(slot), stack) : null;
                    break;
                case PickleOpcode.BinGet:
                case PickleOpcode.LongBinGet:
                    problem = Fixed(head, ref position, op == PickleOpcode.BinGet ? 1 : 4, out var get) ? MemoGet(memo, get, stack) : null;
                    break;
                case PickleOpcode.BinPut:
                case PickleOpcode.LongBinPut:
                    problem = Fixed(head, ref position, op == PickleOpcode.BinPut ? 1 : 4, out var put) ? MemoPut(memo, put, stack) : null;
                    break;
                case PickleOpcode.Memoize:
                    problem = MemoPut(memo, memo.Count, stack);
                    break;
                case PickleOpcode.Mark:
                    stack.Add(Mark);
                    break;
                case PickleOpcode.Stop:
                    return Pop(stack, 1) is { } underflow && !imported ? $"{underflow} at offset {offset}" : null;
                default:
                    problem = Other(op, head, ref position, stack);
                    imported |= problem is null && op is PickleOpcode.StackGlobal or PickleOpcode.Ext1 or PickleOpcode.Ext2 or PickleOpcode.Ext4;
                    break;
            }

            if (problem is not null)
            {
                return imported ? null : $"{problem} at offset {offset}";
            }
        }

        return null;
    }

    private static string? Other(PickleOpcode op, ReadOnlySpan<byte> head, ref int position, List<int> stack)
    {
        switch (op)
        {
            case PickleOpcode.BinInt1: return Skip(ref position, 1, stack);
            case PickleOpcode.BinInt2: return Skip(ref position, 2, stack);
            case PickleOpcode.BinInt: return Skip(ref position, 4, stack);
            case PickleOpcode.BinFloat: return Skip(ref position, 8, stack);
            case PickleOpcode.ShortBinString:
            case PickleOpcode.ShortBinBytes:
            case PickleOpcode.ShortBinUnicode:
            case PickleOpcode.Long1:
                return Sized(head, ref position, 1, stack);
            case PickleOpcode.BinString:
            case PickleOpcode.BinBytes:
            case PickleOpcode.BinUnicode:
            case PickleOpcode.Long4:
                return Sized(head, ref position, 4, stack);
            case PickleOpcode.BinUnicode8:
            case PickleOpcode.BinBytes8:
            case PickleOpcode.ByteArray8:
                return Sized(head, ref position, 8, stack);
            case PickleOpcode.Ext1: return Skip(ref position, 1, stack);
            case PickleOpcode.Ext2: return Skip(ref position, 2, stack);
            case PickleOpcode.Ext4: return Skip(ref position, 4, stack);
            case PickleOpcode.Proto:
                position += 1;
                return null;
            case PickleOpcode.Frame:
                position += 8;
                return null;
            case PickleOpcode.None:
            case PickleOpcode.NewTrue:
            case PickleOpcode.NewFalse:
            case PickleOpcode.EmptyTuple:
            case PickleOpcode.EmptyList:
            case PickleOpcode.EmptyDict:
            case PickleOpcode.EmptySet:
            case PickleOpcode.NextBuffer:
                stack.Add(0);
                return null;
            case PickleOpcode.Pop:
                if (stack.Count > 0 && stack[^1] != Mark)
                {
                    stack.RemoveAt(stack.Count - 1);
                    return null;
                }

                return PopMarkOnly(stack);
            case PickleOpcode.PopMark: return PopToMark(stack, 0);
            case PickleOpcode.Dup: return Apply(stack, 1, 2);
            case PickleOpcode.Tuple:
            case PickleOpcode.List:
            case PickleOpcode.Dict:
            case PickleOpcode.FrozenSet:
                return PopToMark(stack, 0) ?? Push(stack);
            case PickleOpcode.Obj: return PopToMark(stack, 1) ?? Push(stack);
            case PickleOpcode.Appends:
            case PickleOpcode.SetItems:
            case PickleOpcode.AddItems:
                return PopToMark(stack, 0) ?? Apply(stack, 1, 1);
            case PickleOpcode.Append:
            case PickleOpcode.Build:
            case PickleOpcode.Reduce:
            case PickleOpcode.NewObj:
            case PickleOpcode.StackGlobal:
            case PickleOpcode.Tuple2:
                return Apply(stack, 2, 1);
            case PickleOpcode.SetItem:
            case PickleOpcode.NewObjEx:
            case PickleOpcode.Tuple3:
                return Apply(stack, 3, 1);
            case PickleOpcode.Tuple1:
            case PickleOpcode.BinPersId:
            case PickleOpcode.ReadOnlyBuffer:
                return Apply(stack, 1, 1);
            default:
                return $"byte 0x{(byte)op:x2} is not a pickle opcode";
        }
    }

    // GLOBAL and INST name a module and an attribute on lines of their own; CPython imports the
    // module by that name, so an empty line, whitespace or control bytes can never load.
    private static string? ImportLine(ReadOnlySpan<byte> head, ref int position, bool whole, string what)
    {
        if (!Line(head, ref position, out var line))
        {
            return whole ? $"{what} line of GLOBAL/INST is not terminated" : null;
        }

        if (line.Length == 0)
        {
            return $"empty {what} in GLOBAL/INST";
        }

        foreach (var b in line)
        {
            if (b <= 0x20 || b == 0x7f)
            {
                return $"{what} in GLOBAL/INST contains whitespace or control bytes";
            }
        }

        try
        {
            _ = new UTF8Encoding(false, true).GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return $"{what} in GLOBAL/INST is not UTF-8";
        }

        return null;
    }

    // A newline-terminated argument; false when the head ends first (the position moves past the head).
    private static bool Line(ReadOnlySpan<byte> head, ref int position, out byte[] line)
    {
        var end = position < head.Length ? head[position..].IndexOf((byte)'\n') : -1;
        if (end < 0)
        {
            line = [];
            position = head.Length + 1;
            return false;
        }

        line = head.Slice(position, end).ToArray();
        position += end + 1;
        return true;
    }

    private static bool Fixed(ReadOnlySpan<byte> head, ref int position, int size, out long value)
    {
        value = 0;
        if (position + size > head.Length)
        {
            position = head.Length + 1;
            return false;
        }

        value = size == 1 ? head[position] : BinaryPrimitives.ReadUInt32LittleEndian(head[position..]);
        position += size;
        return true;
    }

    private static string? Skip(ref int position, int size, List<int> stack)
    {
        position += size;
        stack.Add(0);
        return null;
    }

    // A length-prefixed argument: the length, then that many bytes (which may run past the head).
    private static string? Sized(ReadOnlySpan<byte> head, ref int position, int lengthSize, List<int> stack)
    {
        if (position + lengthSize > head.Length)
        {
            position = head.Length + 1;
            return null;
        }

        var length = lengthSize switch
        {
            1 => head[position],
            4 => (long)BinaryPrimitives.ReadUInt32LittleEndian(head[position..]),
            _ => BinaryPrimitives.ReadInt64LittleEndian(head[position..]),
        };
        position = length < 0 || length > head.Length ? head.Length + 1 : position + lengthSize + (int)length;
        stack.Add(0);
        return null;
    }

    private static string? MemoGet(HashSet<long> memo, long index, List<int> stack)
    {
        if (!memo.Contains(index))
        {
            return $"memo slot {index} read before it is set";
        }

        stack.Add(0);
        return null;
    }

    private static string? MemoPut(HashSet<long> memo, long index, List<int> stack)
    {
        if (stack.Count == 0 || stack[^1] == Mark)
        {
            return "memo write with nothing on the stack";
        }

        memo.Add(index);
        return null;
    }

    private static long ParseIndex(byte[] line) =>
        long.TryParse(Encoding.Latin1.GetString(line).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) ? index : -1;

    private static string? Apply(List<int> stack, int pops, int pushes) => Pop(stack, pops) ?? PushMany(stack, pushes);

    private static string? Pop(List<int> stack, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (stack.Count == 0 || stack[^1] == Mark)
            {
                return "stack underflow";
            }

            stack.RemoveAt(stack.Count - 1);
        }

        return null;
    }

    private static string? PopToMark(List<int> stack, int atLeast)
    {
        var mark = stack.LastIndexOf(Mark);
        if (mark < 0)
        {
            return "no mark on the stack";
        }

        if (stack.Count - mark - 1 < atLeast)
        {
            return "stack underflow";
        }

        stack.RemoveRange(mark, stack.Count - mark);
        return null;
    }

    private static string? PopMarkOnly(List<int> stack)
    {
        if (stack.Count == 0)
        {
            return "stack underflow";
        }

        stack.RemoveAt(stack.Count - 1);
        return null;
    }

    private static string? Push(List<int> stack) => PushMany(stack, 1);

    private static string? PushMany(List<int> stack, int count)
    {
        for (var i = 0; i < count; i++)
        {
            stack.Add(0);
        }

        return null;
    }

    private static bool IsInteger(byte[] line, bool isLong)
    {
        var text = Encoding.Latin1.GetString(line).Trim();
        if (isLong && text.EndsWith('L'))
        {
            text = text[..^1];
        }

        if (text.StartsWith('+') || text.StartsWith('-'))
        {
            text = text[1..];
        }

        return text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == '_');
    }

    private static bool IsSpecialFloat(byte[] line) =>
        Encoding.Latin1.GetString(line).Trim().TrimStart('+', '-').ToLowerInvariant() is "nan" or "inf" or "infinity";

    // CPython 3 requires STRING's argument to be quoted with matching quotes.
    private static bool IsQuoted(byte[] line) =>
        line.Length >= 2 && line[0] is (byte)'\'' or (byte)'"' && line[^1] == line[0];
}
