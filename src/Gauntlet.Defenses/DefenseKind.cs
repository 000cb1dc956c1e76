namespace Gauntlet.Defenses;

/// <summary>The families a defense belongs to; a report groups its figures by them.</summary>
public enum DefenseKind
{
    /// <summary>Changes how the model is trained (adversarial training, noise augmentation).</summary>
    RobustTraining,

    /// <summary>Transforms or screens each input before the model sees it.</summary>
    InputTransform,

    /// <summary>Gives a provable guarantee for each prediction (randomized smoothing).</summary>
    Certification,
}
