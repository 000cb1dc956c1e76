using System.Numerics;

namespace Gauntlet.Privacy.Accounting;

/// <summary>
/// The PRV accountant (Gopi, Lee and Wutschitz 2021), as Opacus's <c>PRVAccountant</c>: the
/// privacy loss random variable of one step is truncated and discretised on a grid fine enough
/// for the requested ε error, composed with itself <c>steps</c> times by FFT, and ε is read off the
/// composed distribution. It returns the upper bound <c>ε̂ + ε_error</c>, a guarantee rather than an
/// estimate, so it is tighter than RDP but carries that error.
/// </summary>
/// <param name="epsilonError">The tolerated error in ε (Opacus's default 0.01); it sets the mesh and is added to the estimate.</param>
public sealed class PrvAccountant(double epsilonError = 0.01) : IPrivacyAccountant
{
    // The machine epsilon of numpy's longdouble (x87 80-bit) that Opacus compares the domain against.
    private const double LongDoubleEpsilon = 1.0842021724855044e-19;

    // The composition FFT works on a power of two at least twice the grid: 2^26 complex values (1 GiB) at most.
    private const double MaxGridPoints = 30_000_000;

    /// <summary>The ε error, added to the estimate.</summary>
    public double EpsilonError { get; } = epsilonError > 0 ? epsilonError : throw new ArgumentOutOfRangeException(nameof(epsilonError), epsilonError, "the ε error must be positive.");

    /// <inheritdoc />
    public string Name => "prv";

    /// <inheritdoc />
    /// <remarks>
    /// δ error = δ/1000. Domain: <c>±L</c> with <c>L = max(ε_RDP(δ_err/4, all steps), ε_RDP(δ_err/(8T), one step), ε_error) + 3</c>,
    /// mesh <c>ε_error / √(T·log(12/δ_err)/2)</c>, aligned to the mesh with an even number of points.
    /// Each point holds <c>F(t + Δ/2) − F(t − Δ/2)</c> of the truncated PRV, and the grid is shifted so
    /// its mean equals the continuous mean. The T-fold composition is the circular convolution power
    /// <c>IFFT(FFT(p)^T)</c>, rolled back to the centre. Then, with <c>D1(i) = Σ_{j≥i} p_j</c> and
    /// <c>D2(i) = Σ_{j≥i} p_j e^{−t_j}</c>, ε(δ') is <c>log((D1(i) − δ')/D2(i))</c> at the first i with
    /// <c>e^{t_i} D2(i) − D1(i) ≥ −δ'</c>, and the answer is <c>ε(δ − δ_err) + ε_error</c>.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The grid is too fine for double precision at this δ, or ε could not be read off.</exception>
    public PrivacySpent Spent(double sampleRate, double noiseMultiplier, long steps, double delta)
    {
        PrivacyAccountants.Check(sampleRate, noiseMultiplier, steps, delta);
        var deltaError = delta / 1000;

        // The safe domain (Gopi et al., remark 5.6, as in the authors' code and Opacus).
        var rdp = new RdpAccountant();
        var l = Math.Max(rdp.Spent(sampleRate, noiseMultiplier, steps, deltaError / 4).Epsilon, rdp.Spent(sampleRate, noiseMultiplier, 1, deltaError / (8.0 * steps)).Epsilon);
        l = Math.Max(l, EpsilonError) + 3;
        if (!double.IsFinite(l))
        {
            throw new InvalidOperationException($"PRV: the privacy loss is unbounded for σ {noiseMultiplier} (the RDP bound on the domain is infinite)");
        }

        var mesh = EpsilonError / Math.Sqrt(steps * Math.Log(12 / deltaError) / 2);
        var (tMin, tMax, size) = AlignedGrid(-l, l, mesh);
        if (size > MaxGridPoints)
        {
            throw new InvalidOperationException($"PRV: {steps:N0} steps need a grid of {size:N0} points, more than {MaxGridPoints:N0} (the grid grows with √steps and the domain)");
        }

        var dt = (tMax - tMin) / (size - 1);

        // Discretise the truncated PRV and move the grid so the means agree.
        var prv = new SubsampledGaussianPrv(sampleRate, noiseMultiplier, tMin, tMax);
        var pmf = new double[size];
        double discreteMean = 0;
        var ts = Grid(tMin, tMax, size);
        for (var i = 0; i < size; i++)
        {
            pmf[i] = prv.Cdf(ts[i] + (dt / 2)) - prv.Cdf(ts[i] - (dt / 2));
            discreteMean += ts[i] * pmf[i];
        }

        var shift = prv.Mean() - discreteMean;
        if (Math.Abs(shift) >= dt / 2)
        {
            throw new InvalidOperationException($"PRV: the discrete mean differs from the continuous one by {shift}, more than half the mesh {dt}.");
        }

        var composed = ComposeSelf(pmf, steps);
        var shifts = shift * steps;
        var composedTs = Grid(tMin + shifts, tMax + shifts, size);
        if (LongDoubleEpsilon * size > delta - deltaError)
        {
            throw new InvalidOperationException($"PRV: δ {delta} is too small for a grid of {size} points; floating-point error would dominate.");
        }

        var epsilon = EpsilonAt(composedTs, composed, delta - deltaError) + EpsilonError;
        return new PrivacySpent(epsilon, delta, null, Name);
    }

    // Domain.create_aligned: the ends rounded out to the mesh, and an even number of points.
    private static (double Min, double Max, int Size) AlignedGrid(double min, double max, double mesh)
    {
        min = Math.Floor(min / mesh) * mesh;
        max = Math.Ceiling(max / mesh) * mesh;
        var points = Math.Round((max - min) / mesh) + 1;
        var size = points > MaxGridPoints ? int.MaxValue - 1 : (int)points;
        if (size % 2 == 1)
        {
            size++;
            max += mesh;
        }

        return (min, max, size);
    }

    // numpy.linspace: start + i·step, the last point exactly the end.
    private static double[] Grid(double min, double max, int size)
    {
        var step = (max - min) / (size - 1);
        var ts = new double[size];
        for (var i = 0; i < size; i++)
        {
            ts[i] = min + (i * step);
        }

        ts[^1] = max;
        return ts;
    }

    // The T-fold circular self-convolution by FFT, rolled by T − 1 (plus half the length for even T)
    // so the mass sits where the shifted grid says. The grid's length comes from the mesh, so the
    // FFT must take any length (see Fft).
    private static double[] ComposeSelf(double[] pmf, long steps)
    {
        var n = pmf.Length;
        var spectrum = new Complex[n];
        for (var i = 0; i < n; i++)
        {
            spectrum[i] = pmf[i];
        }

        Fft.Transform(spectrum, inverse: false);
        for (var i = 0; i < n; i++)
        {
            spectrum[i] = Complex.Pow(spectrum[i], steps);
        }

        Fft.Transform(spectrum, inverse: true);
        var roll = (steps - 1 + (steps % 2 == 0 ? n / 2 : 0)) % n;
        var composed = new double[n];
        for (var i = 0; i < n; i++)
        {
            composed[(int)((i + roll) % n)] = spectrum[i].Real;
        }

        return composed;
    }

    private static double EpsilonAt(double[] ts, double[] pmf, double delta)
    {
        var n = pmf.Length;
        var d1 = new double[n];
        var d2 = new double[n];
        double s1 = 0, s2 = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            s1 += pmf[i];
            s2 += pmf[i] * Math.Exp(-ts[i]);
            d1[i] = s1;
            d2[i] = s2;
        }

        // numpy.searchsorted(ndelta, −δ, side="left") on the non-decreasing ndelta = e^t·D2 − D1.
        var index = 0;
        while (index < n && (Math.Exp(ts[index]) * d2[index]) - d1[index] < -delta)
        {
            index++;
        }

        if (index <= 0 || index >= n)
        {
            throw new InvalidOperationException("PRV: cannot compute ε; the domain does not reach the requested δ.");
        }

        return Math.Log((d1[index] - delta) / d2[index]);
    }
}
