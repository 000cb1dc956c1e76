using System.Globalization;
using System.Text;

namespace Gauntlet.Scanner.Pickle;

internal enum PickleValueKind
{
    None,
    Bool,
    Int,
    Float,
    Text,
    Bytes,
    Tuple,
    List,
    Dict,
    Set,
    Global,
    Call,
    Persistent,
    Unknown,
}

/// <summary>
/// A symbolic value on the pickle machine's stack. It records what a real unpickler would build
/// (constants, containers, imported globals, calls) without building any object.
/// </summary>
internal sealed class PickleValue
{
    /// <summary>Containers keep at most this many items: enough to show arguments, bounded for huge lists.</summary>
    public const int MaxKeptItems = 64;

    public static readonly PickleValue NoneValue = new(PickleValueKind.None);
    public static readonly PickleValue UnknownValue = new(PickleValueKind.Unknown);

    private PickleValue(PickleValueKind kind) => Kind = kind;

    public PickleValueKind Kind { get; }

    /// <summary>Text of a string, summary of bytes, or "module.name" of a global.</summary>
    public string? Text { get; private init; }

    public string? Module { get; private init; }

    public string? Name { get; private init; }

    public long Integer { get; private init; }

    public double Real { get; private init; }

    /// <summary>Kept container items (first <see cref="MaxKeptItems"/>); dicts keep key, value pairs flattened.</summary>
    public List<PickleValue>? Items { get; private init; }

    /// <summary>Total items ever added, including those not kept.</summary>
    public long Count { get; set; }

    /// <summary>
    /// How many values this one expands to when shared references are copied out (by a deep
    /// copy, a printer, a JSON export): 1 plus the expansion of every item at the time it was
    /// added, saturating. A memo/DUP "billion laughs" keeps it tiny in memory and huge here.
    /// </summary>
    public long Expanded { get; private set; } = 1;

    public PickleValue? Callable { get; private init; }

    public PickleValue? Arguments { get; private init; }

    /// <summary>State applied by BUILD, if any.</summary>
    public PickleValue? State { get; set; }

    public static PickleValue Bool(bool value) => new(PickleValueKind.Bool) { Integer = value ? 1 : 0 };

    public static PickleValue Int(long value) => new(PickleValueKind.Int) { Integer = value };

    public static PickleValue BigInt(string text) => new(PickleValueKind.Int) { Text = text };

    public static PickleValue Float(double value) => new(PickleValueKind.Float) { Real = value };

    public static PickleValue String(string value) => new(PickleValueKind.Text) { Text = value };

    public static PickleValue Bytes(long length, string preview) => new(PickleValueKind.Bytes) { Integer = length, Text = preview };

    public static PickleValue Global(string module, string name) => new(PickleValueKind.Global) { Module = module, Name = name, Text = module + "." + name };

    public static PickleValue Call(PickleValue callable, PickleValue arguments) => new(PickleValueKind.Call) { Callable = callable, Arguments = arguments };

    public static PickleValue Persistent(PickleValue id) => new(PickleValueKind.Persistent) { Arguments = id };

    public static PickleValue Container(PickleValueKind kind, IEnumerable<PickleValue> items)
    {
        var value = new PickleValue(kind) { Items = [] };
        foreach (var item in items)
        {
            value.Add(item);
        }

        return value;
    }

    public void Add(PickleValue item)
    {
        Count++;
        Expanded = Expanded > long.MaxValue - item.Expanded ? long.MaxValue : Expanded + item.Expanded;
        if (Items is { Count: < MaxKeptItems })
        {
            Items.Add(item);
        }
    }

    /// <summary>The global at the root of a call chain (the class of an object built by NEWOBJ, say), if static.</summary>
    public PickleValue? RootGlobal => Kind switch
    {
        PickleValueKind.Global => this,
        PickleValueKind.Call => Callable?.RootGlobal,
        _ => null,
    };

    /// <summary>Looks up a string key in a dict value.</summary>
    public PickleValue? Lookup(string key)
    {
        if (Kind != PickleValueKind.Dict || Items is null)
        {
            return null;
        }

        for (var i = 0; i + 1 < Items.Count; i += 2)
        {
            if (Items[i].Kind == PickleValueKind.Text && Items[i].Text == key)
            {
                return Items[i + 1];
            }
        }

        return null;
    }

    /// <summary>A Python-like rendering for messages, bounded in length and depth.</summary>
    public string Render(int depth = 0)
    {
        var builder = new StringBuilder();
        Render(builder, depth);
        return builder.Length > 200 ? builder.ToString(0, 197) + "..." : builder.ToString();
    }

    private void Render(StringBuilder builder, int depth)
    {
        if (depth > 4 || builder.Length > 200)
        {
            builder.Append("...");
            return;
        }

        switch (Kind)
        {
            case PickleValueKind.None: builder.Append("None"); break;
            case PickleValueKind.Bool: builder.Append(Integer != 0 ? "True" : "False"); break;
            case PickleValueKind.Int: builder.Append(Text ?? Integer.ToString(CultureInfo.InvariantCulture)); break;
            case PickleValueKind.Float: builder.Append(Real.ToString("R", CultureInfo.InvariantCulture)); break;
            case PickleValueKind.Text:
                var text = Text!.Length > 80 ? Text[..77] + "..." : Text;
                builder.Append('\'').Append(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\'');
                break;
            case PickleValueKind.Bytes: builder.Append("b'").Append(Text).Append('\'').Append(Integer > 16 ? $"({Integer} bytes)" : string.Empty); break;
            case PickleValueKind.Global: builder.Append(Text); break;
            case PickleValueKind.Call:
                Callable!.Render(builder, depth + 1);
                builder.Append('(');
                if (Arguments is { Kind: PickleValueKind.Tuple, Items: { } args })
                {
                    RenderItems(builder, args, Arguments.Count, depth);
                }
                else
                {
                    builder.Append('*');
                    Arguments?.Render(builder, depth + 1);
                }

                builder.Append(')');
                break;
            case PickleValueKind.Tuple: builder.Append('('); RenderItems(builder, Items!, Count, depth); builder.Append(')'); break;
            case PickleValueKind.List: builder.Append('['); RenderItems(builder, Items!, Count, depth); builder.Append(']'); break;
            case PickleValueKind.Set: builder.Append('{'); RenderItems(builder, Items!, Count, depth); builder.Append('}'); break;
            case PickleValueKind.Dict:
                builder.Append('{');
                for (var i = 0; i + 1 < Items!.Count && builder.Length < 200; i += 2)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    Items[i].Render(builder, depth + 1);
                    builder.Append(": ");
                    Items[i + 1].Render(builder, depth + 1);
                }

                builder.Append('}');
                break;
            case PickleValueKind.Persistent: builder.Append("persistent_load("); Arguments?.Render(builder, depth + 1); builder.Append(')'); break;
            default: builder.Append('?'); break;
        }
    }

    private static void RenderItems(StringBuilder builder, List<PickleValue> items, long count, int depth)
    {
        for (var i = 0; i < items.Count && builder.Length < 200; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            items[i].Render(builder, depth + 1);
        }

        if (count > items.Count)
        {
            builder.Append(", ...");
        }
    }
}
