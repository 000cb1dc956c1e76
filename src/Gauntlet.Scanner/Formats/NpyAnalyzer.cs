using Gauntlet.Core.Numpy;
using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// NumPy .npy: checks the header with <see cref="NpyHeader"/> and, for object arrays (plain or as a
/// field of a structured dtype), analyses the pickle that follows it.
/// </summary>
internal static class NpyAnalyzer
{
    public static void Analyze(Stream stream, long? length, string location, ScanContext context)
    {
        NpyHeader header;
        try
        {
            header = NpyHeader.Read(stream);
        }
        catch (NpyFormatException ex)
        {
            context.Add("numpy.malformed", Severity.Medium, ex.Message, location);
            return;
        }

        if (!header.HasObjectDtype)
        {
            return;
        }

        context.Add("numpy.object-dtype", Severity.Medium, $"object array (descr {header.Descr}): numpy.load needs allow_pickle=True and unpickles the data", location);
        PickleAnalyzer.Analyze(stream, length - header.DataOffset, location, context);
    }
}
