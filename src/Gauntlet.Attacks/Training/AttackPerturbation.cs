using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Attacks.Training;

/// <summary>
/// Adversarial training with any registered white-box attack: the
/// <see cref="ITrainingPerturbation"/> that <see cref="Trainer.Fit"/> calls before each optimizer
/// step runs <see cref="Attack"/> untargeted against the model being trained (true labels), with
/// the trainer's random stream, and clips to the input domain. PGD (L∞, random start) is Madry
/// et al.'s recipe; FGSM is Goodfellow et al.'s.
/// </summary>
public sealed class AttackPerturbation : ITrainingPerturbation
{
    /// <summary>Wraps an attack built elsewhere.</summary>
    /// <param name="attack">The attack; it must be able to run untargeted.</param>
    /// <param name="inputRange">The domain the examples are clipped to (default [0, 1]).</param>
    public AttackPerturbation(EvasionAttack attack, InputRange? inputRange = null)
    {
        ArgumentNullException.ThrowIfNull(attack);
        Attack = attack;
        InputRange = inputRange ?? InputRange.Unit;
    }

    /// <summary>The attack that generates the training examples.</summary>
    public EvasionAttack Attack { get; }

    /// <summary>The domain the examples are clipped to.</summary>
    public InputRange InputRange { get; }

    /// <inheritdoc />
    public string Name => Attack.Name;

    /// <summary>The registered attacks adversarial training accepts (<see cref="AttackDescriptor.SupportsTraining"/>).</summary>
    public static IReadOnlyList<string> TrainableAttacks => [.. AttackRegistry.All.Where(d => d.SupportsTraining).Select(d => d.Name)];

    /// <summary>
    /// Builds the perturbation from a registered attack. The norm defaults to L∞, and a fixed step
    /// size to Madry et al.'s 2.5·ε/steps (not the ε/4 of evaluation), so a walk from the random
    /// start can reach the far side of the ball.
    /// </summary>
    /// <param name="name">A registered name or alias whose attack supports training.</param>
    /// <param name="settings">ε (required), steps, step size, random start …; validated by the registry.</param>
    /// <param name="inputRange">The domain the examples are clipped to (default [0, 1]).</param>
    /// <exception cref="ArgumentException">Unknown name, an attack that cannot train (the message lists those that can), or an invalid setting.</exception>
    public static AttackPerturbation FromRegistry(string name, AttackSettings settings, InputRange? inputRange = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var descriptor = AttackRegistry.Find(name);
        if (!descriptor.SupportsTraining)
        {
            throw new ArgumentException($"{descriptor.Name} cannot drive adversarial training (it must be a white-box attack bounded in L∞); expected one of {string.Join(", ", TrainableAttacks)}.", nameof(name));
        }

        settings = settings with { Norm = settings.Norm ?? Norm.Linf };
        // Madry's 2.5·ε/steps is for iterative attacks; a single-step attack with a step size (R+FGSM) keeps its own default.
        if (descriptor.Uses(AttackSetting.StepSize) && descriptor.Uses(AttackSetting.Steps) && settings.StepSize is null && settings.Epsilon is { } epsilon)
        {
            var steps = settings.Steps ?? (int)descriptor.Parameter(AttackSetting.Steps)!.Default!.Value;
            settings = settings with { StepSize = 2.5f * epsilon / steps };
        }

        return new AttackPerturbation(descriptor.Create(settings), inputRange);
    }

    /// <inheritdoc />
    public Tensor Perturb(Module model, Tensor x, int[] labels, Rng rng)
    {
        var classifier = new TrainingClassifier(model, new Shape(x.Shape.Dims[1..].ToArray()), InputRange);
        return Attack.GenerateClipped(classifier, x, AttackGoal.Untargeted(labels), rng);
    }
}
