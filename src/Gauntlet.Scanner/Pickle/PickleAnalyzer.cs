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
/// Runs a pickle stream on a symbolic machine (<see cref="PickleMachine"/>): every opcode of
/// protocols 0 to 5 (<see cref="PickleOpcode"/>) with real stack, mark and memo semantics,
/// following GLOBAL, STACK_GLOBAL, INST, OBJ, NEWOBJ(_EX), REDUCE and BUILD so that every
/// callable the stream would import or invoke is known, with its arguments where they are
/// constants. Nothing is ever imported, called or deserialised. The analyser owns what spans the
/// pickles of one stream: the input, the imports and their verdicts.
/// </summary>
internal sealed class PickleAnalyzer
{
    private const int MaxPickles = 64;

    private readonly Dictionary<string, ImportRecord> imports = new(StringComparer.Ordinal);

    private PickleAnalyzer(PickleInput input, ScanContext context, string location)
    {
        Input = input;
        Context = context;
        Location = location;
    }

    /// <summary>The stream, shared by every pickle in it.</summary>
    public PickleInput Input { get; }

    /// <summary>Where findings go.</summary>
    public ScanContext Context { get; }

    /// <summary>The location findings name.</summary>
    public string Location { get; }

    /// <summary>Whether a joblib array wrapper was seen (set by the machine).</summary>
    public bool SawJoblib { get; set; }

    /// <summary>Analyses every pickle in <paramref name="stream"/> and adds findings to <paramref name="context"/>.</summary>
    public static PickleSummary Analyze(Stream stream, long? length, string location, ScanContext context, PickleLayout layout = PickleLayout.Standalone)
    {
        var analyzer = new PickleAnalyzer(new PickleInput(stream, length), context, location);
        var count = analyzer.RunAll(layout);
        analyzer.ReportImports();
        return new PickleSummary(count, analyzer.SawJoblib, analyzer.Input.Position);
    }

    /// <summary>Records that the stream imports <c>module.name</c> (first occurrence kept).</summary>
    public void RecordImport(string module, string name, long offset)
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

    /// <summary>Records a call of the imported global <paramref name="key"/> (the first call is kept for the finding).</summary>
    public void RecordCall(string key, PickleValue call)
    {
        if (imports.TryGetValue(key, out var record))
        {
            record.Calls++;
            record.FirstCall ??= call.Render();
        }
    }

    private int RunAll(PickleLayout layout)
    {
        var count = 0;
        while (true)
        {
            var start = Input.Position;
            var outcome = new PickleMachine(this, 0).Run();
            count++;
            if (outcome != PickleOutcome.Stopped)
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

            if (Input.PeekByte() < 0)
            {
                return count;
            }

            if (count == 1)
            {
                Context.Add("pickle.multiple-pickles", Severity.Medium, "more pickle data follows the first STOP; loaders that call load() repeatedly run every pickle", Location, Input.Position);
            }

            if (count >= MaxPickles)
            {
                Context.Add("pickle.resource-exhaustion", Severity.High, $"more than {MaxPickles} concatenated pickles; the rest was not analysed", Location, start);
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
            if (verdict.IsHarmless)
            {
                continue;
            }

            if (verdict.Severity == Severity.Info)
            {
                allowed.Add(key);
                continue;
            }

            var use = record.FirstCall is { } call
                ? $"called as {call}" + (record.Calls > 1 ? $" ({record.Calls} calls)" : string.Empty)
                : "imported (importing runs module code)";
            Context.Add(verdict.RuleId, verdict.Severity, $"{key}: {verdict.Reason}; {use}", Location, record.FirstOffset);
        }

        if (allowed.Count > 0)
        {
            Context.Add("pickle.allowed-callable", Severity.Info, $"allowlisted callables: {string.Join(", ", allowed)}", Location);
        }
    }

    private sealed class ImportRecord(string module, string name, long offset)
    {
        public string Module { get; } = module;

        public string Name { get; } = name;

        public long FirstOffset { get; } = offset;

        public string? FirstCall { get; set; }

        public int Calls { get; set; }
    }
}
