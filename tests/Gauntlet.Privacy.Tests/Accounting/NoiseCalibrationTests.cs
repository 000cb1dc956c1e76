using Gauntlet.Privacy.Accounting;

namespace Gauntlet.Privacy.Tests.Accounting;

public sealed class NoiseCalibrationTests
{
    [Fact]
    public void CalibratedSigma_MeetsTheTargetWithinTolerance()
    {
        // Opacus's test_get_noise_multiplier: q 0.04, 90 epochs' worth of steps, δ 1e-5, target ε 8.
        var accountant = new RdpAccountant();
        var sigma = NoiseCalibration.NoiseMultiplier(accountant, 8.0, 0.04, 2250, 1e-5);
        var epsilon = accountant.Spent(0.04, sigma, 2250, 1e-5).Epsilon;
        Assert.InRange(epsilon, 8.0 - 0.01, 8.0);

        // σ 1.5 gives 7.33 for these settings (the Opacus reference), so ε 8 needs a little less noise.
        Assert.InRange(sigma, 1.3, 1.5);
    }

    [Fact]
    public void Accountants_RejectBadParameters()
    {
        var rdp = new RdpAccountant();
        Assert.Throws<ArgumentException>(() => rdp.Spent(0, 1, 10, 1e-5));
        Assert.Throws<ArgumentException>(() => rdp.Spent(1.5, 1, 10, 1e-5));
        Assert.Throws<ArgumentException>(() => rdp.Spent(0.1, 0, 10, 1e-5));
        Assert.Throws<ArgumentException>(() => rdp.Spent(0.1, 1, 0, 1e-5));
        Assert.Throws<ArgumentException>(() => rdp.Spent(0.1, 1, 10, 1));
    }
}
