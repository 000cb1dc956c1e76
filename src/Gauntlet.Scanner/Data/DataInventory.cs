using System.Globalization;

namespace Gauntlet.Scanner.Data;

/// <summary>The verdict on one column of a data file for one category of personal data.</summary>
/// <param name="Column">The column (CSV header, JSON path, Parquet field, NPZ array name).</param>
/// <param name="Category">What it holds.</param>
/// <param name="Count">How many values of the rows read are in the category (and pass its checksum).</param>
/// <param name="Rows">How many rows were read.</param>
/// <param name="Examples">Up to three masked examples.</param>
/// <param name="FirstLine">1-based line of the first such value, where the format has lines.</param>
public sealed record ColumnVerdict(string Column, PiiCategory Category, long Count, long Rows, IReadOnlyList<string> Examples, int? FirstLine)
{
    /// <summary>The share of rows read that hold such a value.</summary>
    public double Share => Rows == 0 ? 0 : (double)Count / Rows;
}

/// <summary>What personal data one data file holds: the per-column verdicts, its columns and how much of it was read.</summary>
public sealed class DataInventory
{
    /// <summary>Creates an inventory.</summary>
    public DataInventory(IReadOnlyList<string> columns, IReadOnlyList<ColumnVerdict> verdicts, long rows, string sampling)
    {
        Columns = columns;
        Verdicts = verdicts;
        Rows = rows;
        Sampling = sampling;
    }

    /// <summary>Every column seen, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The columns that hold personal data, one entry per column and category.</summary>
    public IReadOnlyList<ColumnVerdict> Verdicts { get; }

    /// <summary>Rows (records, array elements) read.</summary>
    public long Rows { get; }

    /// <summary>How the file was read: everything, or which sample.</summary>
    public string Sampling { get; }

    /// <summary>The categories present.</summary>
    public IReadOnlySet<PiiCategory> Categories => Verdicts.Select(v => v.Category).ToHashSet();

    /// <summary>Columns whose names suggest GDPR Art. 9 special-category data (health, religion, ethnicity, ...).</summary>
    public IReadOnlyList<string> SpecialCategoryColumns => [.. Columns.Where(ColumnHints.IsSpecialCategory)];
}

/// <summary>Collects per-column detections while a data file is read, then turns them into verdicts and findings.</summary>
internal sealed class InventoryBuilder
{
    private readonly List<ColumnState> columns = [];
    private readonly Dictionary<string, int> byName = new(StringComparer.Ordinal);

    public long Rows { get; private set; }

    public string Sampling { get; set; } = "whole file read";

    public int ColumnOf(string name)
    {
        if (!byName.TryGetValue(name, out var index))
        {
            index = columns.Count;
            byName[name] = index;
            columns.Add(new ColumnState(name, ColumnHints.Of(name)));
        }

        return index;
    }

    public void Row() => Rows++;

    public void Observe(int column, ReadOnlySpan<char> value, int? line)
    {
        var state = columns[column];
        if (value.IsEmpty)
        {
            return;
        }

        state.NonEmpty++;
        if (PiiDetectors.Classify(value, state.Hint) is not { } match)
        {
            return;
        }

        var c = (int)match.Category;
        if (match.Strong)
        {
            state.Strong[c]++;
        }
        else
        {
            state.Weak[c]++;
        }

        state.FirstLine[c] ??= line;
        if (state.Examples[c] is not { } list)
        {
            state.Examples[c] = list = [];
            state.SeenAny = true;
        }

        if (list.Count < 3)
        {
            var masked = PiiDetectors.Mask(value, match.Category);
            if (!list.Contains(masked))
            {
                list.Add(masked);
            }
        }
    }

    /// <summary>
    /// The verdicts: a category counts for a column when a value's own shape proved it at least once,
    /// or when at least half the column's non-empty values match (plain digit strings that pass a
    /// checksum by chance stay below that). Names count only in a file with other personal data,
    /// and undated-column dates only next to a name column.
    /// </summary>
    public DataInventory Build()
    {
        var verdicts = new List<ColumnVerdict>();
        foreach (var state in columns.Where(s => s.SeenAny))
        {
            for (var c = 0; c < state.Strong.Length; c++)
            {
                var total = state.Strong[c] + state.Weak[c];
                if (total == 0 || (state.Strong[c] == 0 && total * 2 < state.NonEmpty))
                {
                    continue;
                }

                verdicts.Add(new ColumnVerdict(state.Name, (PiiCategory)c, total, Rows, state.Examples[c]!, state.FirstLine[c]));
            }
        }

        var hasName = columns.Any(s => s.Hint == ColumnHint.Name);
        verdicts.RemoveAll(v => v.Category == PiiCategory.DateOfBirth && columns[byName[v.Column]].Hint == ColumnHint.Date && !hasName);
        if (verdicts.All(v => v.Category == PiiCategory.PersonName))
        {
            verdicts.Clear();
        }

        return new DataInventory([.. columns.Select(c => c.Name)], verdicts, Rows, Sampling);
    }

    /// <summary>Builds the inventory, stores it on <paramref name="context"/> and adds one finding per verdict.</summary>
    public DataInventory Report(ScanContext context, string location)
    {
        var inventory = Build();
        context.Inventory = inventory;
        foreach (var v in inventory.Verdicts)
        {
            var where = v.FirstLine is { } line ? $"; first at line {line.ToString(CultureInfo.InvariantCulture)}" : string.Empty;
            var message = $"column '{v.Column}': {v.Count.ToString("N0", CultureInfo.InvariantCulture)} of {v.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows read ({v.Share.ToString("P1", CultureInfo.InvariantCulture)}) hold {Describe(v.Category)}, e.g. {string.Join(", ", v.Examples)}{where} ({inventory.Sampling})";
            context.AddAt(v.Category.RuleId(), v.Category.Severity(), message, location, v.FirstLine, v.Column);
        }

        return inventory;
    }

    private static string Describe(PiiCategory category) => category switch
    {
        PiiCategory.Email => "e-mail addresses",
        PiiCategory.Phone => "phone numbers",
        PiiCategory.Ssn => "US Social Security numbers (valid area, group and serial)",
        PiiCategory.Iban => "IBANs (mod-97 check valid)",
        PiiCategory.PaymentCard => "payment card numbers (Luhn valid, known issuer range)",
        PiiCategory.NhsNumber => "NHS numbers (mod-11 check valid)",
        PiiCategory.IpAddress => "IP addresses",
        PiiCategory.DateOfBirth => "dates of birth",
        _ => "person names",
    };

    private sealed class ColumnState(string name, ColumnHint hint)
    {
        private static readonly int Count = Enum.GetValues<PiiCategory>().Length;

        public string Name { get; } = name;

        public ColumnHint Hint { get; } = hint;

        public long NonEmpty { get; set; }

        public bool SeenAny { get; set; }

        public long[] Strong { get; } = new long[Count];

        public long[] Weak { get; } = new long[Count];

        public int?[] FirstLine { get; } = new int?[Count];

        public List<string>?[] Examples { get; } = new List<string>?[Count];
    }
}
