namespace Gauntlet.Defenses.Certification;

/// <summary>One certified input: a row of Cohen et al.'s output files (<c>idx label predict radius correct time</c>) and the counts behind it.</summary>
/// <param name="Index">The sample's position in the data set.</param>
/// <param name="Label">Its true class.</param>
/// <param name="Certificate">What CERTIFY concluded.</param>
/// <param name="Seconds">Wall time of its certification.</param>
public sealed record CertifiedSample(int Index, int Label, Certificate Certificate, double Seconds)
{
    /// <summary>The certified class, or −1 on abstention.</summary>
    public int Prediction => Certificate.Prediction;

    /// <summary>The certified L2 radius (0 on abstention).</summary>
    public double Radius => Certificate.Radius;

    /// <summary>Whether the certified class is the label (never, on abstention).</summary>
    public bool Correct => Certificate.Prediction == Label;
}
