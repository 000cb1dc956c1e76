using Gauntlet.Privacy.Accounting;

namespace Gauntlet.Privacy.Training;

/// <summary>Settings of DP-SGD (Abadi et al. 2016) for <see cref="DpSgdTrainer.Fit"/>.</summary>
/// <param name="NoiseMultiplier">σ: the Gaussian noise's std in units of <paramref name="MaxGradNorm"/>.</param>
/// <param name="MaxGradNorm">C: the per-sample gradient norm bound (the L2 sensitivity of the summed gradient).</param>
/// <param name="Delta">δ at which ε is reported.</param>
/// <param name="Clipping">Flat or per-layer clipping.</param>
/// <param name="Accountant">The accountant that reports ε: <c>rdp</c> or <c>prv</c> (see <see cref="PrivacyAccountants"/>).</param>
public sealed record DpSgdOptions(double NoiseMultiplier, double MaxGradNorm, double Delta, ClippingMode Clipping = ClippingMode.Flat, string Accountant = "rdp")
{
    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentException">σ or C not positive and finite, δ outside (0, 1), or an unknown accountant.</exception>
    public void Validate()
    {
        if (!(NoiseMultiplier > 0) || !double.IsFinite(NoiseMultiplier) || !(MaxGradNorm > 0) || !double.IsFinite(MaxGradNorm))
        {
            throw new ArgumentException($"DP-SGD: noise multiplier {NoiseMultiplier} and max gradient norm {MaxGradNorm}; expected positive finite values.");
        }

        if (!(Delta > 0 && Delta < 1))
        {
            throw new ArgumentException($"DP-SGD: δ {Delta}; expected a value in (0, 1).");
        }

        _ = PrivacyAccountants.Create(Accountant);
    }
}
