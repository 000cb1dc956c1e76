using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gauntlet.Scanner;
using Gauntlet.Scanner.Corpus;

/// <summary>
/// Code and secrets throughput (target: >= 2,000 files/s): generates a source tree of Python
/// scripts, notebooks, configs and docs, scans it with --only code,secrets, and measures the raw
/// read of the same files in the same run as the reference.
/// Usage: dotnet run -c Release --project benchmarks/Gauntlet.Scanner.Benchmarks -- code [files] [runs]
/// </summary>
internal static class CodeTreeBenchmark
{
    public static void Run(string[] args)
    {
        var files = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var folder = Directory.CreateTempSubdirectory("gauntlet-code-bench-");
        try
        {
            var bytes = Generate(folder.FullName, files);
            Console.WriteLine($"source tree: {files:N0} files, {bytes / 1e6:F1} MB (70% .py, 10% .ipynb, 15% .yaml/.json, 5% .md), seed 21");
            var paths = Directory.EnumerateFiles(folder.FullName, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            var options = new ScanOptions { Categories = new HashSet<ScanCategory> { ScanCategory.Code, ScanCategory.Secrets }, ComputeHashes = false };
            ModelScanner.Scan(folder.FullName, options); // page cache and JIT
            double bestRead = double.MaxValue, bestScan = double.MaxValue;
            ScanReport? report = null;
            for (var i = 0; i < runs; i++)
            {
                var clock = Stopwatch.StartNew();
                long total = 0;
                foreach (var path in paths)
                {
                    total += File.ReadAllBytes(path).Length;
                }

                bestRead = Math.Min(bestRead, clock.Elapsed.TotalSeconds);
                clock.Restart();
                report = ModelScanner.Scan(folder.FullName, options);
                bestScan = Math.Min(bestScan, clock.Elapsed.TotalSeconds);
                GC.KeepAlive(total);
            }

            var findings = report!.Artifacts.Sum(a => a.Findings.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference (read every file): best of {runs} {bestRead * 1000:F0} ms = {files / bestRead:F0} files/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"code+secrets scan          : best of {runs} {bestScan * 1000:F0} ms = {files / bestScan:F0} files/s ({bytes / 1e6 / bestScan:F1} MB/s), {findings} findings, {report.Artifacts.Count} files reported"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scan / read time: {bestScan / bestRead:F1}x; target 2,000 files/s: {(files / bestScan >= 2000 ? "met" : "NOT met")}"));
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Writes the tree; returns its size in bytes.</summary>
    private static long Generate(string root, int count)
    {
        var random = new Random(21);
        var fake = new CodeCorpus.FakeSecrets(21);
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var folder = Path.Combine(root, $"pkg{i / 200:D3}", $"mod{i % 10}");
            Directory.CreateDirectory(folder);
            var kind = i % 20;
            string name, text;
            if (kind < 14)
            {
                (name, text) = ($"script_{i}.py", Script(random, fake, i));
            }
            else if (kind < 16)
            {
                (name, text) = ($"notebook_{i}.ipynb", CodeCorpus.Notebook([("markdown", "# Experiment " + i, null), ("code", Script(random, fake, i), "loss 0.123"), ("code", "model.eval()\nprint(acc)", null)]));
            }
            else if (kind < 19)
            {
                (name, text) = i % 2 == 0 ? ($"config_{i}.yaml", Config(random, i)) : ($"config_{i}.json", "{\"lr\": 0.001, \"epochs\": 10, \"model\": \"resnet18\", \"seed\": " + i + "}\n");
            }
            else
            {
                (name, text) = ($"README_{i}.md", "# Module\n\nTrains a classifier. See `train.py`.\n" + string.Concat(Enumerable.Repeat("Some prose about the experiment and its results.\n", 20)));
            }

            var path = Path.Combine(folder, name);
            File.WriteAllText(path, text);
            bytes += Encoding.UTF8.GetByteCount(text);
        }

        return bytes;
    }

    private static string Script(Random random, CodeCorpus.FakeSecrets fake, int i)
    {
        var s = new StringBuilder();
        s.Append("\"\"\"Training script ").Append(i).Append(".\"\"\"\nimport logging\nimport os\n\nimport numpy as np\nimport torch\nimport yaml\nfrom torch import nn\n\nlogger = logging.getLogger(__name__)\n\n\n");
        s.Append("class Net(nn.Module):\n    def __init__(self, width=128):\n        super().__init__()\n        self.fc1 = nn.Linear(784, width)\n        self.fc2 = nn.Linear(width, 10)\n\n    def forward(self, x):\n        x = torch.relu(self.fc1(x.view(x.shape[0], -1)))\n        return self.fc2(x)\n\n\n");
        s.Append("def load_config(path):\n    with open(path) as f:\n        return yaml.safe_load(f)\n\n\n");
        s.Append("def train(cfg, data, labels):\n    model = Net(cfg.get('width', 128))\n    opt = torch.optim.SGD(model.parameters(), lr=cfg['lr'])\n    for epoch in range(cfg['epochs']):\n        for start in range(0, len(data), 64):\n            xb = torch.tensor(data[start:start + 64], dtype=torch.float32)\n            yb = torch.tensor(labels[start:start + 64])\n            loss = nn.functional.cross_entropy(model(xb), yb)\n            opt.zero_grad()\n            loss.backward()\n            opt.step()\n        logger.info('epoch %d loss %.4f', epoch, loss.item())\n    return model\n\n\n");
        switch (random.Next(10))
        {
            case 0:
                s.Append("def restore(path):\n    return torch.load(path)\n\n\n");
                break;
            case 1:
                s.Append("TOKEN = '").Append(fake.HuggingFace()).Append("'\n\n\n");
                break;
            case 2:
                s.Append("def fetch():\n    os.system(f\"wget {os.environ['URL']}\")\n\n\n");
                break;
        }

        s.Append("if __name__ == '__main__':\n    cfg = load_config(os.environ.get('CONFIG', 'config.yaml'))\n    data = np.load('train.npy')\n    labels = np.load('labels.npy')\n    model = train(cfg, data, labels)\n    torch.save(model.state_dict(), f\"model_{cfg['seed']}.pt\")\n");
        return s.ToString();
    }

    private static string Config(Random random, int i) =>
        $"model:\n  name: resnet18\n  width: {64 << random.Next(3)}\ntraining:\n  lr: 0.001\n  epochs: 10\n  seed: {i}\ndata:\n  train: data/train.csv\n  test: data/test.csv\n";
}
