using System.Globalization;
using Gauntlet.TestSupport;
using Xunit.Abstractions;

namespace Gauntlet.Onnx.Tests;

/// <summary>Runs the ONNX backend test data (Debian's libonnx-testdata) through the executor.</summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    public const string DataRoot = "/usr/share/libonnx-testdata/data";

    private static readonly string[] Suites = ["node", "pytorch-converted", "pytorch-operator"];

    /// <summary>
    /// Supported cases that are known to fail, with the reason. Each is reported in the summary;
    /// keep this list empty where possible.
    /// </summary>
    private static readonly Dictionary<string, string> KnownFailures = new(StringComparer.Ordinal)
    {
    };

    /// <summary>
    /// Backend cases that pass today, the figure README.md and docs/onnx.md state: a floor, so
    /// losing an operator (or breaking one into "unsupported") fails the build. Raise it when
    /// more cases pass.
    /// </summary>
    public const int PassingCasesFloor = 788;

    /// <summary>All cases in the three suites of Debian's libonnx-testdata.</summary>
    public const int TotalCases = 1049;

    public enum Outcome
    {
        Passed,
        Failed,
        Unsupported,
    }

    [SkippableFact]
    public void Backend_test_data_passes_for_every_supported_case()
    {
        // Without the data the test must show as skipped, with the reason, never as passed.
        var missing = Suites.Select(s => Path.Combine(DataRoot, s)).Where(d => !Directory.Exists(d)).ToList();
        Skip.If(missing.Count > 0, $"ONNX backend test data is missing ({string.Join(", ", missing)}). Install the Debian package libonnx-testdata (scripts/setup.sh does).");
        var results = new List<(string Case, Outcome Outcome, string Detail)>();
        foreach (var suite in Suites)
        {
            var dir = Path.Combine(DataRoot, suite);
            foreach (var caseDir in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
            {
                var name = $"{suite}/{Path.GetFileName(caseDir)}";
                var (outcome, detail) = RunCase(caseDir);
                results.Add((name, outcome, detail));
            }
        }

        var passed = results.Count(r => r.Outcome == Outcome.Passed);
        var failed = results.Where(r => r.Outcome == Outcome.Failed).ToList();
        var unsupported = results.Count(r => r.Outcome == Outcome.Unsupported);
        output.WriteLine($"ONNX conformance: {passed} passed, {failed.Count} failed, {unsupported} unsupported of {results.Count}");
        foreach (var (c, _, d) in failed)
        {
            output.WriteLine($"  {(KnownFailures.TryGetValue(c, out var why) ? "KNOWN " : "FAILED")} {c}: {d}{(why is null ? "" : $" [known: {why}]")}");
        }

        foreach (var group in results.Where(r => r.Outcome == Outcome.Unsupported && !r.Detail.StartsWith("ops:", StringComparison.Ordinal))
                     .GroupBy(r => r.Detail.Length > 90 ? r.Detail[..90] : r.Detail).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  unsupported ({group.Count()}): {group.Key} e.g. {group.First().Case}");
        }

        var missingOps = results.Where(r => r.Outcome == Outcome.Unsupported && r.Detail.StartsWith("ops:", StringComparison.Ordinal))
            .SelectMany(r => r.Detail[4..].Split(',', StringSplitOptions.TrimEntries)).CountBy(o => o).OrderByDescending(p => p.Value);
        output.WriteLine("  unsupported ops (cases): " + string.Join(", ", missingOps.Select(p => $"{p.Key} ({p.Value})")));

        var unexpected = failed.Where(f => !KnownFailures.ContainsKey(f.Case)).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} supported ONNX case(s) failed:\n" + string.Join("\n", unexpected.Select(f => $"{f.Case}: {f.Detail}")));
        var stale = KnownFailures.Keys.Where(k => results.Any(r => r.Case == k && r.Outcome == Outcome.Passed)).ToList();
        Assert.True(stale.Count == 0, "known failures now pass; remove them from the list: " + string.Join(", ", stale));
        Assert.Equal(TotalCases, results.Count);
        Assert.True(passed >= PassingCasesFloor, $"{passed} ONNX backend cases pass, fewer than the {PassingCasesFloor} README.md claims; an operator, attribute or dtype was lost.");
    }

    [Fact]
    public void Readme_states_the_operator_count_and_the_conformance_floor()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var total = TotalCases.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Contains($"({OnnxSession.SupportedOps.Count} operators, opsets 7–21; {PassingCasesFloor} of {total} ONNX backend test cases pass", readme, StringComparison.Ordinal);
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "onnx.md"));
        Assert.Contains($"ONNX conformance: {PassingCasesFloor} passed, 0 failed, {TotalCases - PassingCasesFloor} unsupported of {TotalCases}", docs, StringComparison.Ordinal);
    }

    public static (Outcome Outcome, string Detail) RunCase(string caseDir)
    {
        OnnxModel model;
        try
        {
            model = OnnxModel.Load(Path.Combine(caseDir, "model.onnx"));
        }
        catch (InvalidDataException e) when (e.Message.Contains("sparse", StringComparison.Ordinal))
        {
            return (Outcome.Unsupported, e.Message);
        }
        catch (Exception e)
        {
            return (Outcome.Failed, "load: " + e.Message);
        }

        var unsupportedOps = OnnxSession.UnsupportedOps(model);
        if (unsupportedOps.Count > 0)
        {
            return (Outcome.Unsupported, "ops: " + string.Join(", ", unsupportedOps));
        }

        var declared = model.Graph.Inputs.Concat(model.Graph.Outputs).Select(v => v.ElementType).ToList();
        if (declared.Any(t => !IsSupportedType(t)))
        {
            return (Outcome.Unsupported, "dtype: " + string.Join(", ", declared.Where(t => !IsSupportedType(t)).Distinct()));
        }

        OnnxSession session;
        try
        {
            session = new OnnxSession(model);
        }
        catch (NotSupportedException e)
        {
            return (Outcome.Unsupported, "prepare: " + e.Message);
        }
        catch (Exception e)
        {
            return (Outcome.Failed, "prepare: " + e.Message);
        }

        var runtimeInputs = model.Graph.RuntimeInputs.ToList();
        foreach (var set in Directory.GetDirectories(caseDir, "test_data_set_*").Order(StringComparer.Ordinal))
        {
            var inputs = new Dictionary<string, OnnxValue>(StringComparer.Ordinal);
            var inputFiles = Directory.GetFiles(set, "input_*.pb").OrderBy(Index).ToList();
            var outputFiles = Directory.GetFiles(set, "output_*.pb").OrderBy(Index).ToList();
            try
            {
                for (var i = 0; i < inputFiles.Count && i < runtimeInputs.Count; i++)
                {
                    var t = OnnxModel.LoadTensor(inputFiles[i]);
                    if (!IsSupportedType(t.DataType))
                    {
                        return (Outcome.Unsupported, $"dtype: {t.DataType}");
                    }

                    inputs[runtimeInputs[i].Name] = OnnxValue.FromOnnxTensor(t);
                }
            }
            catch (Exception e)
            {
                return (Outcome.Failed, "input: " + e.Message);
            }

            Dictionary<string, OnnxValue> outs;
            try
            {
                outs = session.Run(inputs);
            }
            catch (NotSupportedException e)
            {
                return (Outcome.Unsupported, "attribute: " + e.Message);
            }
            catch (Exception e)
            {
                return (Outcome.Failed, "run: " + e.GetType().Name + ": " + e.Message + (Environment.GetEnvironmentVariable("ONNX_TRACE") is null ? "" : "\n" + e));
            }

            for (var i = 0; i < outputFiles.Count; i++)
            {
                var expected = OnnxModel.LoadTensor(outputFiles[i]);
                if (!IsSupportedType(expected.DataType))
                {
                    return (Outcome.Unsupported, $"dtype: {expected.DataType}");
                }

                var actual = outs[model.Graph.Outputs[i].Name];
                var problem = Compare(expected, actual);
                if (problem is not null)
                {
                    return (Outcome.Failed, $"output {i} ({model.Graph.Outputs[i].Name}): {problem}");
                }
            }
        }

        return (Outcome.Passed, "");
    }

    private static int Index(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file);
        return int.Parse(stem[(stem.LastIndexOf('_') + 1)..], CultureInfo.InvariantCulture);
    }

    private static bool IsSupportedType(OnnxDataType t) =>
        t is not (OnnxDataType.String or OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Complex64 or OnnxDataType.Complex128 or OnnxDataType.Undefined);

    public static string? Compare(OnnxTensor expected, OnnxValue actual)
    {
        var shape = expected.Dims.Select(d => (int)d).ToArray();
        if (!shape.SequenceEqual(actual.Dims))
        {
            return $"shape [{string.Join(", ", actual.Dims)}], expected [{string.Join(", ", shape)}]";
        }

        if (expected.FloatData is { } e)
        {
            if (!actual.IsFloat)
            {
                return $"got integer type {actual.DataType}, expected {expected.DataType}";
            }

            var a = actual.Float!.ToArray();
            for (var i = 0; i < e.Length; i++)
            {
                if (float.IsNaN(e[i]) ? !float.IsNaN(a[i]) : !(Math.Abs(a[i] - e[i]) <= 1e-5 + (1e-3 * Math.Abs(e[i])) || a[i] == e[i]))
                {
                    return $"element {i}: got {a[i]}, expected {e[i]}";
                }
            }

            return null;
        }

        if (actual.IsFloat)
        {
            return $"got float, expected integer type {expected.DataType}";
        }

        var ints = expected.IntData!;
        for (var i = 0; i < ints.Length; i++)
        {
            if (ints[i] != actual.Ints![i])
            {
                return $"element {i}: got {actual.Ints![i]}, expected {ints[i]}";
            }
        }

        return null;
    }
}
