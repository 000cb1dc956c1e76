using System.Globalization;

namespace Gauntlet.Models;

/// <summary>
/// Training stopped because a batch's loss was NaN or infinite: the weights would be garbage from
/// here on. Usually the learning rate is too high; <see cref="LearningRate"/> says what it was.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for the batch that diverged.</summary>
    /// <param name="epoch">1-based epoch.</param>
    /// <param name="step">1-based optimizer step within the epoch.</param>
    /// <param name="loss">The non-finite loss.</param>
    /// <param name="learningRate">The learning rate in use at the time.</param>
    public TrainingDivergedException(int epoch, int step, double loss, float learningRate)
        : this(epoch, step, $"loss {loss.ToString(CultureInfo.InvariantCulture)}", learningRate)
    {
        Loss = loss;
    }

    /// <summary>Creates the exception for a step after which something other than the loss was not finite.</summary>
    /// <param name="epoch">1-based epoch.</param>
    /// <param name="step">1-based optimizer step within the epoch.</param>
    /// <param name="what">What was not finite, e.g. "weights not finite after the update".</param>
    /// <param name="learningRate">The learning rate in use at the time.</param>
    public TrainingDivergedException(int epoch, int step, string what, float learningRate)
        : base($"training diverged at epoch {epoch.ToString(CultureInfo.InvariantCulture)} step {step.ToString(CultureInfo.InvariantCulture)} ({what})")
    {
        Epoch = epoch;
        Step = step;
        Loss = double.NaN;
        LearningRate = learningRate;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public TrainingDivergedException()
        : base("training diverged")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> wrapping <paramref name="innerException"/>.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based epoch in which the loss stopped being finite.</summary>
    public int Epoch { get; }

    /// <summary>The 1-based optimizer step within <see cref="Epoch"/>.</summary>
    public int Step { get; }

    /// <summary>The loss: NaN or ±∞ (NaN too when the weights, not the loss, diverged).</summary>
    public double Loss { get; }

    /// <summary>The learning rate of the epoch (after the schedule).</summary>
    public float LearningRate { get; }
}
