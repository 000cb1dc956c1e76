using System.Globalization;
using System.Numerics;

namespace Gauntlet.Scanner.Pickle;

/// <summary>joblib's array wrapper: the raw array bytes (or a nested pickle) that follow its BUILD.</summary>
internal sealed partial class PickleMachine
{
    private static bool IsJoblibWrapper(PickleValue value) =>
        value.RootGlobal?.Text is "joblib.numpy_pickle.NumpyArrayWrapper" or "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper";

    /// <summary>
    /// joblib writes each array's bytes straight into the stream after the wrapper's BUILD, and
    /// its unpickler reads them there; skip them the same way, or recurse for object arrays,
    /// which joblib stores as a nested pickle.
    /// </summary>
    private PickleOutcome? ReadJoblibArray(PickleValue state)
    {
        owner.SawJoblib = true;
        readOutOfBand = true;
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

            return new PickleMachine(owner, nesting + 1).Run() == PickleOutcome.Stopped ? null : PickleOutcome.Failed;
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
}
