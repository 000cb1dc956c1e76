namespace Gauntlet.Data;

/// <summary>
/// Loads a labelled image data set in one call, for library users: the same sources as
/// <c>--data</c> on the command line (<see cref="DataSource"/>), test split where there is one.
/// </summary>
public static class Dataset
{
    /// <summary>Loads images and labels from a name (<c>fashion-mnist</c>, <c>demo</c>) or a path (.npz, .npy with <paramref name="labelsPath"/>, an IDX folder, an image folder).</summary>
    /// <param name="nameOrPath">What to load.</param>
    /// <param name="labelsPath">Labels for a bare image array.</param>
    /// <exception cref="FileNotFoundException">Nothing at the path, or labels missing.</exception>
    /// <exception cref="InvalidDataException">Malformed data, or a table rather than images.</exception>
    public static LabeledImages Load(string nameOrPath, string? labelsPath = null) =>
        DataSource.Load(nameOrPath, labelsPath).Images
        ?? throw new InvalidDataException($"{nameOrPath}: a table, not images; audits and attacks need an image data set.");
}
