using System.Diagnostics;
using System.Globalization;
using Gauntlet.Data;
using Gauntlet.Tensors;

namespace Gauntlet.Audit.Assessments;

/// <summary>
/// What every module of one audit shares: the model, the audited samples, the plan, the artifact
/// folders, progress, cancellation and the time budget. Progress is reported in each module's own
/// work units; the context maps them onto one bar for the whole audit.
/// </summary>
public sealed class AuditContext
{
    private readonly IProgress<AuditProgress>? _progress;
    private bool[]? _cleanCorrect;
    private double _done;

    internal AuditContext(AuditSubject subject, LabeledImages data, AuditPlan plan, IReadOnlyList<string> artifacts, IProgress<AuditProgress>? progress, CancellationToken cancellation, Stopwatch clock, LabeledImages? allData = null)
    {
        Subject = subject;
        Data = data;
        AllData = allData ?? data;
        Plan = plan;
        Artifacts = artifacts;
        _progress = progress;
        Cancellation = cancellation;
        Clock = clock;
    }

    /// <summary>Every image the audit was given, of which <see cref="Data"/> holds the plan's samples; the privacy module's extraction splits it into queries and held-out images.</summary>
    public LabeledImages AllData { get; }

    /// <summary>The model under audit.</summary>
    public AuditSubject Subject { get; }

    /// <summary>The audited samples (the plan's first <see cref="AuditPlan.Samples"/>).</summary>
    public LabeledImages Data { get; }

    /// <summary>The plan.</summary>
    public AuditPlan Plan { get; }

    /// <summary>Extra files or folders to scan beside the model (<c>--artifacts</c>).</summary>
    public IReadOnlyList<string> Artifacts { get; }

    /// <summary>Known members and non-members of the model's training set for the privacy module (<c>--members</c>, <c>--nonmembers</c>), or null.</summary>
    public Gauntlet.Privacy.Membership.MembershipData? Membership { get; init; }

    /// <summary>For tabular data: feature names, schema and the protected attribute (<c>--protected</c>); null for images.</summary>
    public AuditData? AuditData { get; init; }

    /// <summary>Cancels the audit (Ctrl-C).</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Time since the audit started.</summary>
    public Stopwatch Clock { get; }

    /// <summary>Accuracy on the audited samples without attack (from <see cref="CleanCorrect"/>).</summary>
    public double CleanAccuracy => Data.Count == 0 ? 0 : CleanCorrect.Count(c => c) / (double)Data.Count;

    /// <summary>
    /// Per audited sample, whether the model classifies it correctly without attack: one pass over
    /// the data on first use, shared by every module and the report.
    /// </summary>
    internal bool[] CleanCorrect => _cleanCorrect ??= Classify();

    /// <summary>Why the audit stopped early (cancelled, out of time), or null while it runs on.</summary>
    public string? Stopped { get; private set; }

    /// <summary>Work units of the whole audit; set once before the modules run.</summary>
    internal double TotalWork { get; set; } = 1;

    /// <summary>True, and <see cref="Stopped"/> set, once the audit is cancelled or past its time budget.</summary>
    public bool ShouldStop()
    {
        if (Stopped is null && Cancellation.IsCancellationRequested)
        {
            Stopped = "cancelled";
        }
        else if (Stopped is null && Plan.TimeBudgetSeconds > 0 && Clock.Elapsed.TotalSeconds > Plan.TimeBudgetSeconds)
        {
            Stopped = string.Create(CultureInfo.InvariantCulture, $"time budget of {Plan.TimeBudgetSeconds} s reached");
        }

        return Stopped is not null;
    }

    /// <summary>Reports <paramref name="units"/> more work done at <paramref name="stage"/>.</summary>
    public void Advance(string stage, double units)
    {
        _done += units;
        _progress?.Report(new AuditProgress(stage, Math.Min(_done, TotalWork), TotalWork));
    }

    private bool[] Classify()
    {
        var correct = new bool[Data.Count];
        var offset = 0;
        foreach (var (x, y) in Data.Batches(Plan.Batch))
        {
            var predictions = Ops.ArgMax(Subject.Classifier.Predict(x), 1);
            for (var i = 0; i < y.Length; i++)
            {
                correct[offset + i] = predictions[i] == y[i];
            }

            offset += y.Length;
        }

        return correct;
    }
}
