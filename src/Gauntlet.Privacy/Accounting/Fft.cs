using System.Numerics;

namespace Gauntlet.Privacy.Accounting;

/// <summary>
/// Discrete Fourier transforms of any length: iterative radix-2 for powers of two, Bluestein's
/// chirp-z algorithm otherwise.
/// </summary>
/// <remarks>
/// Written here rather than taken from MathNet.Numerics (which the accountants use for erfc and
/// quadrature) because the PRV grid has hundreds of thousands of points of no particular length,
/// and MathNet's Bluestein chirp computes its angle as <c>(π/n·k)·k</c> in double precision once
/// k² overflows an int: at n ≈ 4·10⁵ the angles are ~10⁶ rad and lose ~1e-10 of accuracy, which
/// the 2,000-fold power of the spectrum amplifies into an ε off by 1e-4. Here the chirp's angle is
/// reduced exactly, <c>π·(k² mod 2n)/n</c> in 64-bit integers, and the twiddles are evaluated
/// directly (no recurrence), so the transform is accurate to a few ulps times log n.
/// </remarks>
internal static class Fft
{
    /// <summary>The DFT <c>X_k = Σ_n x_n e^{−2πi nk/N}</c> (forward) or <c>x_n = 1/N Σ_k X_k e^{2πi nk/N}</c> (inverse), in place.</summary>
    public static void Transform(Complex[] data, bool inverse)
    {
        var n = data.Length;
        if (n <= 1)
        {
            return;
        }

        if (inverse)
        {
            // IDFT(x) = conj(DFT(conj x))/N.
            Conjugate(data);
            Transform(data, inverse: false);
            for (var i = 0; i < n; i++)
            {
                data[i] = Complex.Conjugate(data[i]) / n;
            }

            return;
        }

        if ((n & (n - 1)) == 0)
        {
            Radix2(data, inverse: false);
        }
        else
        {
            Bluestein(data);
        }
    }

    // X_k = w_k Σ_n (x_n w_n) conj(w_{k−n}) with w_k = e^{−πi k²/N}, since nk = (n² + k² − (k − n)²)/2;
    // the sum is a linear convolution, done as a circular one of a power-of-two length ≥ 2N − 1.
    private static void Bluestein(Complex[] data)
    {
        var n = data.Length;
        var m = 1;
        while (m < (2 * n) - 1)
        {
            m <<= 1;
        }

        var chirp = new Complex[n];
        for (long k = 0; k < n; k++)
        {
            var angle = Math.PI * ((k * k) % (2L * n)) / n;
            chirp[k] = new Complex(Math.Cos(angle), -Math.Sin(angle));
        }

        var a = new Complex[m];
        var b = new Complex[m];
        for (var k = 0; k < n; k++)
        {
            a[k] = data[k] * chirp[k];
        }

        b[0] = Complex.Conjugate(chirp[0]);
        for (var k = 1; k < n; k++)
        {
            b[k] = b[m - k] = Complex.Conjugate(chirp[k]);
        }

        Radix2(a, inverse: false);
        Radix2(b, inverse: false);
        for (var k = 0; k < m; k++)
        {
            a[k] *= b[k];
        }

        Radix2(a, inverse: true);
        for (var k = 0; k < n; k++)
        {
            data[k] = chirp[k] * a[k] / m;
        }
    }

    // Iterative Cooley–Tukey on a power-of-two length; the inverse is unscaled.
    private static void Radix2(Complex[] data, bool inverse)
    {
        var n = data.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }

        var twiddles = new Complex[n / 2];
        var sign = inverse ? 1.0 : -1.0;
        for (var k = 0; k < twiddles.Length; k++)
        {
            var angle = 2 * Math.PI * k / n;
            twiddles[k] = new Complex(Math.Cos(angle), sign * Math.Sin(angle));
        }

        for (var length = 2; length <= n; length <<= 1)
        {
            var half = length >> 1;
            var stride = n / length;
            for (var start = 0; start < n; start += length)
            {
                for (var k = 0; k < half; k++)
                {
                    var t = twiddles[k * stride] * data[start + k + half];
                    var u = data[start + k];
                    data[start + k] = u + t;
                    data[start + k + half] = u - t;
                }
            }
        }
    }

    private static void Conjugate(Complex[] data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = Complex.Conjugate(data[i]);
        }
    }
}
