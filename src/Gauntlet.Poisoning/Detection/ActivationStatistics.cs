using MathNet.Numerics.LinearAlgebra;

namespace Gauntlet.Poisoning.Detection;

/// <summary>
/// The linear algebra both training-data detectors share: centring rows and the principal axes of
/// a set of activations (eigenvectors of their covariance, via Math.NET's symmetric
/// eigendecomposition; the covariance is D×D, so this stays cheap for thousands of rows).
/// </summary>
internal static class ActivationStatistics
{
    /// <summary>The rows minus their mean, as a matrix.</summary>
    public static Matrix<double> Centred(IReadOnlyList<float[]> rows)
    {
        var d = rows[0].Length;
        var m = Matrix<double>.Build.Dense(rows.Count, d, (i, j) => rows[i][j]);
        var mean = m.ColumnSums() / rows.Count;
        for (var i = 0; i < rows.Count; i++)
        {
            m.SetRow(i, m.Row(i) - mean);
        }

        return m;
    }

    /// <summary>
    /// The top <paramref name="k"/> principal axes of centred rows, as the columns of a D×k matrix,
    /// largest variance first; each axis's sign is fixed so its largest-magnitude entry is positive,
    /// so results do not depend on the solver's sign choice.
    /// </summary>
    public static Matrix<double> PrincipalAxes(Matrix<double> centred, int k)
    {
        var covariance = centred.TransposeThisAndMultiply(centred);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var d = covariance.RowCount;
        k = Math.Min(k, d);
        var axes = Matrix<double>.Build.Dense(d, k);
        // Math.NET returns eigenvalues of a symmetric matrix in ascending order.
        for (var j = 0; j < k; j++)
        {
            var v = evd.EigenVectors.Column(d - 1 - j);
            var largest = v.AbsoluteMaximumIndex();
            axes.SetColumn(j, v[largest] < 0 ? -v : v);
        }

        return axes;
    }
}
