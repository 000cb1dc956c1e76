namespace Gauntlet.Privacy.Accounting;

/// <summary>
/// The RDP accountant (Mironov 2017; Abadi et al.'s moments accountant made exact): the subsampled
/// Gaussian's RDP (<see cref="SubsampledGaussianRdp"/>) at every order, times the steps, converted
/// to (ε, δ) at the best order (<see cref="RdpToDp"/>). Matches Opacus's <c>RDPAccountant</c>.
/// </summary>
/// <param name="orders">The grid of orders; default <see cref="RdpOrders.Opacus"/>.</param>
/// <param name="conversion">The RDP → (ε, δ) conversion; default <see cref="RdpConversion.Balle2020"/>.</param>
public sealed class RdpAccountant(IReadOnlyList<double>? orders = null, RdpConversion conversion = RdpConversion.Balle2020) : IPrivacyAccountant
{
    /// <summary>The orders ε is minimised over.</summary>
    public IReadOnlyList<double> Orders { get; } = orders ?? RdpOrders.Opacus;

    /// <summary>The conversion used.</summary>
    public RdpConversion Conversion { get; } = conversion;

    /// <inheritdoc />
    public string Name => "rdp";

    /// <inheritdoc />
    public PrivacySpent Spent(double sampleRate, double noiseMultiplier, long steps, double delta)
    {
        PrivacyAccountants.Check(sampleRate, noiseMultiplier, steps, delta);
        var rdp = SubsampledGaussianRdp.Compute(sampleRate, noiseMultiplier, steps, Orders);
        var (epsilon, order) = RdpToDp.Convert(Orders, rdp, delta, Conversion);
        return new PrivacySpent(epsilon, delta, order, Name);
    }
}
