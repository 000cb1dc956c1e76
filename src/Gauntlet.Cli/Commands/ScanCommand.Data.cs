using System.CommandLine;
using Gauntlet.Scanner;
using Gauntlet.Scanner.Data;
using Gauntlet.Scanner.Data.Leakage;

namespace Gauntlet.Cli.Commands;

/// <summary>The data half of <c>gauntlet scan</c> (issue 21): train/test leakage, the privacy policy and sampling.</summary>
internal static partial class ScanCommand
{
    /// <summary>The train and test splits to compare, when given.</summary>
    private sealed record SplitPair(string? Train, string? Test)
    {
        public IEnumerable<string> Inputs => new[] { Train, Test }.OfType<string>();
    }

    /// <summary>The --train, --test, --privacy-policy and --no-sampling options.</summary>
    private sealed class DataOptions
    {
        private readonly Option<string?> train = new("--train") { Description = "Training split (a CSV/TSV/JSONL/IDX/NPY/PNG file or a folder of them) to compare with --test for leakage: exact and near duplicates, label leakage, distribution mismatch." };
        private readonly Option<string?> test = new("--test") { Description = "Test split to compare with --train (see docs/data-scanning.md)." };
        private readonly Option<string?> policy = new("--privacy-policy") { Description = "YAML privacy policy (allowed_categories, retention_days, consent_field, pseudonymisation_required) that data files are checked against, with GDPR/CCPA references." };
        private readonly Option<bool> noSampling = new("--no-sampling") { Description = "Read every row of large data files in the PII pass (default: files over 64 MiB are sampled: the first 32 MiB and 32 random blocks, seed 0, stated in the report)." };

        public static DataOptions AddTo(Command command)
        {
            var options = new DataOptions();
            command.Options.Add(options.train);
            command.Options.Add(options.test);
            command.Options.Add(options.policy);
            command.Options.Add(options.noSampling);
            return options;
        }

        public SplitPair Splits(ParseResult parse, string? target)
        {
            var pair = new SplitPair(parse.GetValue(train), parse.GetValue(test));
            if ((pair.Train is null) != (pair.Test is null))
            {
                throw new UserInputException(pair.Train is null ? "--train is required with --test." : "--test is required with --train.");
            }

            foreach (var (option, value) in new[] { ("--train", pair.Train), ("--test", pair.Test) })
            {
                if (value is not null && !File.Exists(value) && !Directory.Exists(value))
                {
                    throw new UserInputException($"{option}: {Quote(value)} is neither a file nor a folder.");
                }
            }

            if (target is null && pair.Train is null)
            {
                throw new UserInputException("give a PATH to scan, or --train and --test to compare two splits.");
            }

            return pair;
        }

        public ScanOptions Apply(ParseResult parse, ScanOptions options)
        {
            PrivacyPolicy? privacy = null;
            if (parse.GetValue(policy) is { } file)
            {
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new UserInputException($"--privacy-policy: cannot read {Quote(file)}: {ex.Message}");
                }

                try
                {
                    privacy = PrivacyPolicy.Parse(text);
                }
                catch (FormatException ex)
                {
                    throw new UserInputException($"--privacy-policy: {Quote(file)}: {ex.Message}");
                }
            }

            return options with { Sampling = !parse.GetValue(noSampling), PrivacyPolicy = privacy };
        }

        /// <summary>Scans PATH (when given) and compares the splits (when given), in one report.</summary>
        public static ScanReport Run(string? target, SplitPair splits, ScanOptions options)
        {
            var started = DateTimeOffset.UtcNow;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = target is null ? null : ModelScanner.Scan(target, options);
            if (splits.Train is null || splits.Test is null)
            {
                return report!;
            }

            if (!options.Categories.Contains(ScanCategory.Leakage))
            {
                throw new UserInputException("--train/--test compare splits for leakage, but --only leaves out 'leakage'; add it or drop the splits");
            }

            var leakage = LeakageAnalyzer.Compare(splits.Train, splits.Test, options);
            return new ScanReport(target ?? splits.Test, [.. report?.Artifacts ?? [], leakage], report?.StartedAt ?? started, clock.Elapsed)
            {
                FilesFilteredOut = report?.FilesFilteredOut ?? 0,
                UnmatchedIncludes = report?.UnmatchedIncludes ?? [],
                FilesNotSelected = report?.FilesNotSelected ?? 0,
            };
        }
    }
}
