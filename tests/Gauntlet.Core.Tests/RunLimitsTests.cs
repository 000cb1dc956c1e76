namespace Gauntlet.Core.Tests;

public class RunLimitsTests
{
    [Fact]
    public void BatchWithinTheLimit_HasNoProblem()
    {
        Assert.Null(RunLimits.BatchProblem(RunLimits.MaxBatch, 28 * 28, unbounded: false, RunLimits.CliSwitch));
        Assert.Null(RunLimits.BatchProblem(1, RunLimits.MaxBatchElements, unbounded: false, RunLimits.CliSwitch));
    }

    [Fact]
    public void BatchOverTheSoftLimit_NamesTheSwitch_AndIsLiftedByIt()
    {
        var problem = RunLimits.BatchProblem(2_000, 3 * 224 * 224, unbounded: false, RunLimits.PlanSwitch);
        Assert.Equal("2,000 samples of 150,528 values is 301,056,000 values per batch, over the limit of 268,435,456 (1 GiB); lower the batch size or pass allow_unbounded: true", problem);
        Assert.Null(RunLimits.BatchProblem(2_000, 3 * 224 * 224, unbounded: true, RunLimits.PlanSwitch));
    }

    [Theory]
    [InlineData(65_536, 3 * 224 * 224)]
    [InlineData(int.MaxValue, 2)]
    [InlineData(long.MaxValue, 2)]
    public void BatchPastWhatATensorCanIndex_IsRefusedEvenUnbounded(long batch, long sampleSize)
    {
        var problem = RunLimits.BatchProblem(batch, sampleSize, unbounded: true, RunLimits.CliSwitch);
        Assert.NotNull(problem);
        Assert.Contains("more than one tensor can index (2,147,483,647)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_AreTheDocumentedValues()
    {
        Assert.Equal(
            (10_000, 100, 1_000_000, 10_000, 10_000, 10_000_000, 65_536),
            (RunLimits.MaxSteps, RunLimits.MaxRestarts, RunLimits.MaxQueriesPerSample, RunLimits.MaxNoiseTrials, RunLimits.MaxEpochs, RunLimits.MaxSamples, RunLimits.MaxBatch));
        Assert.Equal("1,000,000", RunLimits.Format(1_000_000));
    }
}
