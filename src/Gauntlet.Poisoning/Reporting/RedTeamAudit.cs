using System.Text.Json;
using System.Text.Json.Serialization;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Poisoning.Detection;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Reporting;

/// <summary>
/// <c>red_team_audit.json</c>, the artifact of <c>gauntlet backdoor</c> (schema in
/// docs/poisoning.md): verdict, suspected targets, every class's anomaly index, the recovered
/// trigger, STRIP's figures, suspect training samples and findings. Keys are snake_case.
/// </summary>
public sealed record RedTeamAudit
{
    /// <summary>The format's version.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Always <c>gauntlet</c>.</summary>
    public string Tool { get; init; } = "gauntlet";

    /// <summary>Gauntlet's version.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>The seed of every random choice.</summary>
    public required int Seed { get; init; }

    /// <summary>The model's path.</summary>
    public required string Model { get; init; }

    /// <summary>Number of classes.</summary>
    public required int ClassCount { get; init; }

    /// <summary>Where the clean images came from.</summary>
    public required string CleanData { get; init; }

    /// <summary>Where the training set came from, or null.</summary>
    public string? TrainData { get; init; }

    /// <summary>See <see cref="BackdoorScanResult.Verdict"/>.</summary>
    public required string Verdict { get; init; }

    /// <summary>Whether the verdict is <c>backdoored</c>.</summary>
    public bool Backdoored => Verdict == "backdoored";

    /// <summary>Classes Neural Cleanse flags.</summary>
    public required IReadOnlyList<int> SuspectedTargets { get; init; }

    /// <summary>Neural Cleanse's figures.</summary>
    public required NeuralCleanseSection NeuralCleanse { get; init; }

    /// <summary>The recovered trigger of the most anomalous flagged class, or null.</summary>
    public TriggerSection? RecoveredTrigger { get; init; }

    /// <summary>STRIP's figures.</summary>
    public required StripResult Strip { get; init; }

    /// <summary>Which trigger STRIP's FAR used: <c>known</c>, <c>recovered</c> or <c>none</c>.</summary>
    public required string StripTrigger { get; init; }

    /// <summary>The known trigger's attack success rate, when one was given with its target.</summary>
    public double? KnownTriggerSuccessRate { get; init; }

    /// <summary>Activation clustering per class, or null.</summary>
    public IReadOnlyList<ClusterClass>? ActivationClustering { get; init; }

    /// <summary>Activation clustering's rule (components kept and thresholds), or null when it did not run.</summary>
    public ClusteringRule? ActivationClusteringRule { get; init; }

    /// <summary>Spectral signatures per class, or null.</summary>
    public IReadOnlyList<SpectralClass>? SpectralSignatures { get; init; }

    /// <summary>The ε spectral signatures assumed, or null.</summary>
    public double? SpectralEpsilon { get; init; }

    /// <summary>Why the training-data detectors did not run, or null.</summary>
    public string? TrainingDetectorsSkipped { get; init; }

    /// <summary>Suspect training samples with the detectors that named them, most suspicious first (at most <see cref="MaxSuspects"/>).</summary>
    public required IReadOnlyList<SuspectEntry> SuspectTrainingSamples { get; init; }

    /// <summary>The number of suspects before the list was cut to <see cref="MaxSuspects"/>.</summary>
    public required int SuspectTrainingSampleCount { get; init; }

    /// <summary>Findings, most severe first.</summary>
    public required IReadOnlyList<FindingEntry> Findings { get; init; }

    /// <summary>Wall time of the scan.</summary>
    public required double Seconds { get; init; }

    /// <summary>The most suspects listed.</summary>
    public const int MaxSuspects = 100_000;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The document as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Builds the document from a scan.</summary>
    public static RedTeamAudit From(BackdoorScanResult scan, string model, LabeledImages clean, LabeledImages? train, int seed, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(clean);
        var nc = scan.NeuralCleanse;
        var suspects = Suspects(scan);
        return new RedTeamAudit
        {
            ToolVersion = toolVersion,
            Seed = seed,
            Model = model,
            ClassCount = nc.Triggers.Count,
            CleanData = clean.Source,
            TrainData = train?.Source,
            Verdict = scan.Verdict,
            SuspectedTargets = scan.SuspectedTargets,
            NeuralCleanse = new NeuralCleanseSection
            {
                Median = nc.Outliers.Median,
                Mad = nc.Outliers.Mad,
                AnomalyIndex = nc.Outliers.AnomalyIndex,
                Threshold = MadOutlier.Threshold,
                Seconds = nc.Seconds,
                Classes = [.. nc.Triggers.Select(t => new ClassEntry
                {
                    Class = t.Target,
                    L1Norm = t.L1,
                    AnomalyIndex = nc.Outliers.Indices[t.Target],
                    Flagged = nc.Flagged.Contains(t.Target),
                    AttackSuccessRate = t.AttackSuccessRate,
                    BoundingBox = t.Box,
                    ReachedThreshold = t.ReachedThreshold,
                    Steps = t.Steps,
                })],
            },
            RecoveredTrigger = scan.RecoveredTrigger is { } r ? new TriggerSection
            {
                Target = r.Target,
                L1Norm = r.L1,
                BoundingBox = r.Box,
                Region = r.Box?.Region(nc.Height, nc.Width),
                AttackSuccessRate = r.AttackSuccessRate,
                Height = nc.Height,
                Width = nc.Width,
                Mask = r.Mask,
                Pattern = r.Pattern,
                MaskPng = "trigger_mask.png",
                PatternPng = "trigger_pattern.png",
            } : null,
            Strip = scan.Strip,
            StripTrigger = scan.StripTrigger,
            KnownTriggerSuccessRate = scan.KnownTriggerSuccessRate,
            ActivationClustering = scan.ActivationClustering?.Classes,
            ActivationClusteringRule = scan.ActivationClustering is { } ac ? new ClusteringRule(ac.Dimensions, ac.SizeThreshold, ac.SilhouetteThreshold, ac.AnomalyThreshold) : null,
            SpectralSignatures = scan.SpectralSignatures?.Classes,
            SpectralEpsilon = scan.SpectralSignatures?.Epsilon,
            TrainingDetectorsSkipped = scan.TrainingDetectorsSkipped,
            SuspectTrainingSamples = [.. suspects.Take(MaxSuspects)],
            SuspectTrainingSampleCount = suspects.Count,
            Findings = [.. BackdoorFindings.Of(scan).Select(f => new FindingEntry
            {
                Id = f.Id,
                Title = f.Title,
                Severity = f.Severity.ToName(),
                Description = f.Description,
                Evidence = f.Evidence,
                AffectedClasses = f.AffectedClasses,
                Remediation = f.Remediation,
                OwaspMl = f.OwaspMl,
                MitreAtlas = f.MitreAtlas,
            })],
            Seconds = scan.Seconds,
        };
    }

    /// <summary>The mask as a gray PNG (white = 1) and the pattern as a PNG of the image's channels, rescaled from the input range to [0, 1].</summary>
    public static (byte[] Mask, byte[] Pattern) TriggerPngs(ClassTrigger trigger, int channels, int height, int width, float min, float max)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var mask = PngWriter.Encode(Tensor.FromArray((float[])trigger.Mask.Clone(), 1, height, width));
        var scaled = trigger.Pattern.Select(v => (v - min) / (max - min)).ToArray();
        // PNG holds gray or RGB: other channel counts show their first channel.
        var shown = channels is 1 or 3 ? channels : 1;
        var pattern = PngWriter.Encode(Tensor.FromArray(scaled[..(shown * height * width)], shown, height, width));
        return (mask, pattern);
    }

    // Suspects of both detectors, merged by index; a sample named by both comes first.
    private static List<SuspectEntry> Suspects(BackdoorScanResult scan)
    {
        var entries = new Dictionary<int, SuspectEntry>();
        void Add(IEnumerable<SuspectSample> samples, string detector)
        {
            foreach (var s in samples)
            {
                entries[s.Index] = entries.TryGetValue(s.Index, out var e)
                    ? e with { Detectors = [.. e.Detectors, detector], SpectralScore = detector == "spectral_signatures" ? s.Score : e.SpectralScore, ClusterScore = detector == "activation_clustering" ? s.Score : e.ClusterScore }
                    : new SuspectEntry { Index = s.Index, Label = s.Label, Detectors = [detector], SpectralScore = detector == "spectral_signatures" ? s.Score : null, ClusterScore = detector == "activation_clustering" ? s.Score : null };
            }
        }

        Add(scan.ActivationClustering?.Suspects ?? [], "activation_clustering");
        Add(scan.SpectralSignatures?.Suspects ?? [], "spectral_signatures");
        return [.. entries.Values.OrderByDescending(e => e.Detectors.Count).ThenByDescending(e => e.SpectralScore ?? 0).ThenBy(e => e.Index)];
    }
}

/// <summary>Neural Cleanse's figures in <see cref="RedTeamAudit"/>.</summary>
public sealed record NeuralCleanseSection
{
    /// <summary>Median L1 norm over classes.</summary>
    public required double Median { get; init; }

    /// <summary>1.4826 · median absolute deviation.</summary>
    public required double Mad { get; init; }

    /// <summary>The anomaly index of the smallest norm.</summary>
    public required double AnomalyIndex { get; init; }

    /// <summary>The flagging threshold (2).</summary>
    public required double Threshold { get; init; }

    /// <summary>Wall time.</summary>
    public required double Seconds { get; init; }

    /// <summary>Per class.</summary>
    public required IReadOnlyList<ClassEntry> Classes { get; init; }
}

/// <summary>One class's reverse-engineered trigger, summarised.</summary>
public sealed record ClassEntry
{
    /// <summary>The class.</summary>
    public required int Class { get; init; }

    /// <summary>The mask's L1 norm.</summary>
    [JsonPropertyName("l1_norm")]
    public required double L1Norm { get; init; }

    /// <summary>Its anomaly index.</summary>
    public required double AnomalyIndex { get; init; }

    /// <summary>Whether it is flagged.</summary>
    public required bool Flagged { get; init; }

    /// <summary>The trigger's attack success rate on clean images of other classes.</summary>
    public required double AttackSuccessRate { get; init; }

    /// <summary>The box around the mask's heaviest pixels.</summary>
    public BoundingBox? BoundingBox { get; init; }

    /// <summary>Whether the optimisation reached the success threshold.</summary>
    public required bool ReachedThreshold { get; init; }

    /// <summary>Optimisation steps (mini-batches) the class ran.</summary>
    public int Steps { get; init; }
}

/// <summary>Activation clustering's rule as written in the JSON (see <see cref="ActivationClustering"/>).</summary>
/// <param name="Dimensions">Independent components kept.</param>
/// <param name="SizeThreshold">Largest relative size of a flagged class's smaller cluster.</param>
/// <param name="SilhouetteThreshold">Smallest silhouette of a flagged split.</param>
/// <param name="AnomalyThreshold">Smallest silhouette anomaly index among the classes of a flagged split (with 3 or more classes).</param>
public sealed record ClusteringRule(int Dimensions, double SizeThreshold, double SilhouetteThreshold, double AnomalyThreshold);

/// <summary>The recovered trigger.</summary>
public sealed record TriggerSection
{
    /// <summary>Its class.</summary>
    public required int Target { get; init; }

    /// <summary>The mask's L1 norm.</summary>
    [JsonPropertyName("l1_norm")]
    public required double L1Norm { get; init; }

    /// <summary>The box around the mask's heaviest pixels.</summary>
    public BoundingBox? BoundingBox { get; init; }

    /// <summary>Where the box lies (<c>bottom-right</c>…).</summary>
    public string? Region { get; init; }

    /// <summary>Attack success rate on clean images of other classes.</summary>
    public required double AttackSuccessRate { get; init; }

    /// <summary>H.</summary>
    public required int Height { get; init; }

    /// <summary>W.</summary>
    public required int Width { get; init; }

    /// <summary>The mask, H·W values, row-major.</summary>
    public required float[] Mask { get; init; }

    /// <summary>The pattern, C·H·W values.</summary>
    public required float[] Pattern { get; init; }

    /// <summary>The mask's PNG beside the JSON.</summary>
    public required string MaskPng { get; init; }

    /// <summary>The pattern's PNG beside the JSON.</summary>
    public required string PatternPng { get; init; }
}

/// <summary>A suspect training sample.</summary>
public sealed record SuspectEntry
{
    /// <summary>Index in the training set.</summary>
    public required int Index { get; init; }

    /// <summary>Its label.</summary>
    public required int Label { get; init; }

    /// <summary>The detectors that named it.</summary>
    public required IReadOnlyList<string> Detectors { get; init; }

    /// <summary>Its spectral-signature score, when that detector named it.</summary>
    public double? SpectralScore { get; init; }

    /// <summary>Its activation-clustering score, when that detector named it.</summary>
    public double? ClusterScore { get; init; }
}

/// <summary>A finding as written in the JSON.</summary>
public sealed record FindingEntry
{
    /// <summary>Rule id.</summary>
    public required string Id { get; init; }

    /// <summary>Title.</summary>
    public required string Title { get; init; }

    /// <summary>Severity name.</summary>
    public required string Severity { get; init; }

    /// <summary>Description.</summary>
    public required string Description { get; init; }

    /// <summary>Measured values.</summary>
    public required IReadOnlyDictionary<string, double> Evidence { get; init; }

    /// <summary>Classes involved.</summary>
    public required IReadOnlyList<int> AffectedClasses { get; init; }

    /// <summary>What to do.</summary>
    public required string Remediation { get; init; }

    /// <summary>OWASP ML Top 10 ids.</summary>
    public required IReadOnlyList<string> OwaspMl { get; init; }

    /// <summary>MITRE ATLAS ids.</summary>
    public required IReadOnlyList<string> MitreAtlas { get; init; }
}
