using System.Globalization;

namespace Gauntlet.Core;

/// <summary>
/// The documented bounds on loop counts and batch sizes (docs/limits.md, "Options and loops").
/// A value a file or a command line may set can make a run last for days or allocate more than the
/// machine has; these limits refuse such values up front. Each is lifted by one explicit switch:
/// <c>--no-limits</c> on a command, <c>allow_unbounded: true</c> in an audit plan. The overflow
/// bound <see cref="MaxBatchElementsHard"/> is never lifted.
/// </summary>
public static class RunLimits
{
    /// <summary>Iterations of an iterative attack (PGD, APGD, BIM, …) and of adversarial training's attack.</summary>
    public const int MaxSteps = 10_000;

    /// <summary>Random restarts of an attack.</summary>
    public const int MaxRestarts = 100;

    /// <summary>Black-box queries per sample.</summary>
    public const int MaxQueriesPerSample = 1_000_000;

    /// <summary>Random draws per sample of the noise baselines.</summary>
    public const int MaxNoiseTrials = 10_000;

    /// <summary>Training epochs (also the adversarial patch's epochs).</summary>
    public const int MaxEpochs = 10_000;

    /// <summary>Samples read or attacked (<c>--limit</c>, <c>--samples</c>, a plan's <c>samples</c>).</summary>
    public const int MaxSamples = 10_000_000;

    /// <summary>Samples per batch.</summary>
    public const int MaxBatch = 65_536;

    /// <summary>Wrong classes APGD-T targets in turn.</summary>
    public const int MaxTargetClasses = 100;

    /// <summary>Examples written by <c>attack --save-examples</c>.</summary>
    public const int MaxExamples = 10_000;

    /// <summary>Timed repeats per <c>bench</c> figure.</summary>
    public const int MaxRepeats = 1_000;

    /// <summary>Archive nesting the scanner descends.</summary>
    public const int MaxArchiveDepth = 32;

    /// <summary>Largest archive entry the scanner expands, in MiB (64 GiB).</summary>
    public const int MaxEntryMebibytes = 65_536;

    /// <summary>Largest training learning rate; larger rates diverge at once.</summary>
    public const double MaxLearningRate = 10;

    /// <summary>Values in one batch tensor, batch × sample size: 2^28 floats, 1 GiB.</summary>
    public const long MaxBatchElements = 1L << 28;

    /// <summary>Values in one batch tensor even without limits: an index into it must fit an <see cref="int"/>.</summary>
    public const long MaxBatchElementsHard = int.MaxValue;

    /// <summary>What the switch that lifts the limits is called on the command line.</summary>
    public const string CliSwitch = "--no-limits";

    /// <summary>What the switch that lifts the limits is called in an audit plan.</summary>
    public const string PlanSwitch = "allow_unbounded: true";

    /// <summary>
    /// Checks that a batch of <paramref name="batch"/> samples of <paramref name="sampleSize"/>
    /// values each fits in one tensor: at most <see cref="MaxBatchElements"/> values, or
    /// <see cref="MaxBatchElementsHard"/> when <paramref name="unbounded"/>.
    /// </summary>
    /// <param name="batch">Samples per batch (already capped at the number of samples, where fewer).</param>
    /// <param name="sampleSize">Values per sample.</param>
    /// <param name="unbounded">Whether the limits were lifted.</param>
    /// <param name="liftWith">How the user lifts the limits, named in the message (<see cref="CliSwitch"/> or <see cref="PlanSwitch"/>).</param>
    /// <returns>Null when it fits, else what is wrong, without the option's name.</returns>
    public static string? BatchProblem(long batch, long sampleSize, bool unbounded, string liftWith)
    {
        var values = batch * sampleSize;
        if (values > MaxBatchElementsHard || values < 0)
        {
            return $"{Format(batch)} samples of {Format(sampleSize)} values is {Format(values)} values per batch, more than one tensor can index ({Format(MaxBatchElementsHard)}); lower the batch size";
        }

        return !unbounded && values > MaxBatchElements
            ? $"{Format(batch)} samples of {Format(sampleSize)} values is {Format(values)} values per batch, over the limit of {Format(MaxBatchElements)} (1 GiB); lower the batch size or pass {liftWith}"
            : null;
    }

    /// <summary>A count as the messages print it: invariant, with thousands separators.</summary>
    public static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
