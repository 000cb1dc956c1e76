// Generator of the labelled code-and-secrets corpus for `gauntlet scan` (docs/code-scanning.md).
// Compiled into tests/Gauntlet.Scanner.Tests and benchmarks/Gauntlet.Scanner.Benchmarks; it writes
// the corpus at run time so that no real-looking secret is ever committed: every token is composed
// from its prefix and seeded random characters when the corpus is written.
using System.Text;
using System.Text.Json;

namespace Gauntlet.Scanner.Corpus;

/// <summary>One corpus file: its path, whether it is vulnerable, and the rules a scan must report for it (exactly).</summary>
/// <param name="File">Path relative to the corpus folder.</param>
/// <param name="Vulnerable">True for a vulnerable sample, false for a safe one.</param>
/// <param name="Expected">The rule ids the file must produce (empty for safe samples).</param>
public sealed record CodeCorpusEntry(string File, bool Vulnerable, IReadOnlyList<string> Expected);

/// <summary>Writes vulnerable and safe Python files, notebooks and configs per rule, with a manifest.</summary>
public static class CodeCorpus
{
    /// <summary>Writes the corpus under <paramref name="folder"/> with <c>manifest.json</c>; returns the entries.</summary>
    public static IReadOnlyList<CodeCorpusEntry> Write(string folder, int seed = 21)
    {
        var fake = new FakeSecrets(seed);
        var entries = new List<CodeCorpusEntry>();
        void Add(string file, string content, params string[] expected)
        {
            var path = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
            entries.Add(new CodeCorpusEntry(file, expected.Length > 0, expected));
        }

        var n = 0;
        void Vuln(string rule, string code, string ext = ".py") => Add($"{rule}/vulnerable_{++n}{ext}", code, rule);
        void Safe(string rule, string code, string ext = ".py") => Add($"{rule}/safe_{++n}{ext}", code);

        const string R1 = "code.pickle-load";
        Vuln(R1, "import pickle\n\nwith open(path, 'rb') as f:\n    model = pickle.load(f)\n");
        Vuln(R1, "import pickle as pk\n\n\ndef restore(blob):\n    return pk.loads(blob)\n");
        Vuln(R1, "from joblib import load\n\nclf = load(\"model.joblib\")\n");
        Vuln(R1, "import dill\nx = dill.load(open(path, \"rb\"))\n");
        Vuln(R1, "import cloudpickle\nfn = cloudpickle.loads(\n    data,\n)\n");
        Vuln(R1, "import pandas as pd\ndf = pd.read_pickle('frame.pkl')\n");
        Vuln(R1, "from sklearn.externals import joblib\nest = joblib.load(model_path)\n");
        Safe(R1, "import pickle\n\nwith open(path, 'wb') as f:\n    pickle.dump(obj, f)\n");
        Safe(R1, "import json\n\nwith open(path) as f:\n    cfg = json.load(f)\n");
        Safe(R1, "# never call pickle.load(f) on untrusted data\ntext = \"pickle.loads(blob) is dangerous\"\n");
        Safe(R1, "import joblib\njoblib.dump(clf, 'model.joblib')\n");

        const string R2 = "code.torch-load";
        Vuln(R2, "import torch\nstate = torch.load(\"model.pt\")\n");
        Vuln(R2, "import torch\nstate = torch.load(path, map_location=\"cpu\")\n");
        Vuln(R2, "from torch import load\nmodel = load(f, weights_only=False)\n");
        Vuln(R2, "import torch\nflag = False\nsd = torch.load(p, weights_only=flag)\n");
        Vuln(R2, "import torch as T\n\n\nclass Loader:\n    def restore(self, p):\n        return T.load(p)\n");
        Safe(R2, "import torch\nstate = torch.load(p, weights_only=True)\n");
        Safe(R2, "import torch\nWEIGHTS_ONLY = True\nsd = torch.load(p, map_location='cpu', weights_only=WEIGHTS_ONLY)\n");
        Safe(R2, "import torch\ntorch.save(model.state_dict(), p)\n");
        Safe(R2, "from safetensors.torch import load_file\nsd = load_file('model.safetensors')\n");

        const string R3 = "code.numpy-allow-pickle";
        Vuln(R3, "import numpy as np\narr = np.load('a.npy', allow_pickle=True)\n");
        Vuln(R3, "import numpy\ndata = numpy.load(f, allow_pickle=True, mmap_mode=None)\n");
        Vuln(R3, "from numpy import load as npload\nx = npload(f, allow_pickle=True)\n");
        Safe(R3, "import numpy as np\narr = np.load('a.npy')\n");
        Safe(R3, "import numpy as np\narr = np.load(f, allow_pickle=False)\n");
        Safe(R3, "import numpy as np\nnp.save('a.npy', arr)\n");

        const string R4 = "code.yaml-unsafe-load";
        Vuln(R4, "import yaml\ncfg = yaml.load(open('c.yaml'))\n");
        Vuln(R4, "import yaml\ncfg = yaml.load(f, Loader=yaml.Loader)\n");
        Vuln(R4, "import yaml\ncfg = yaml.load(f, Loader=yaml.FullLoader)\n");
        Vuln(R4, "import yaml\ncfg = yaml.unsafe_load(text)\n");
        Vuln(R4, "from yaml import load, Loader\ncfg = load(text, Loader=Loader)\n");
        Vuln(R4, "import yaml\nloader = yaml.UnsafeLoader\ncfg = yaml.load(text, Loader=loader)\n");
        Safe(R4, "import yaml\ncfg = yaml.safe_load(f)\n");
        Safe(R4, "import yaml\ncfg = yaml.load(f, Loader=yaml.SafeLoader)\n");
        Safe(R4, "import yaml\nloader = yaml.CSafeLoader\ncfg = yaml.load(text, Loader=loader)\n");
        Safe(R4, "import yaml\ncfg = yaml.load(f, yaml.SafeLoader)\n");
        Safe(R4, "import yaml\nyaml.dump(cfg, f)\n");

        const string R5 = "code.keras-unsafe-load";
        Vuln(R5, "import keras\nm = keras.models.load_model('m.keras', safe_mode=False)\n");
        Vuln(R5, "import tensorflow as tf\nm = tf.keras.models.load_model('model.h5')\n");
        Vuln(R5, "from tensorflow.keras.models import load_model\nm = load_model(p, safe_mode=False)\n");
        Vuln(R5, "import keras\nkeras.config.enable_unsafe_deserialization()\n");
        Safe(R5, "import keras\nm = keras.models.load_model('m.keras')\n");
        Safe(R5, "import keras\nm = keras.saving.load_model(p, safe_mode=True)\n");
        Safe(R5, "import keras\nmodel.save('m.keras')\n");

        const string R6 = "code.trust-remote-code";
        Vuln(R6, "from transformers import AutoModel\nm = AutoModel.from_pretrained('org/model', revision='4f2c1a9', trust_remote_code=True)\n");
        Vuln(R6, "from transformers import pipeline\np = pipeline('text-generation', model=model_dir, trust_remote_code=True)\n");
        Vuln(R6, "from transformers import AutoTokenizer\nTRUST = True\ntok = AutoTokenizer.from_pretrained(model_dir, trust_remote_code=TRUST)\n");
        Safe(R6, "from transformers import AutoModel\nm = AutoModel.from_pretrained(model_dir, trust_remote_code=False)\n");
        Safe(R6, "from transformers import AutoModel\nm = AutoModel.from_pretrained(model_dir)\n");

        const string R7 = "code.eval-exec";
        Vuln(R7, "user_input = input()\nresult = eval(user_input)\n");
        Vuln(R7, "exec(compile(src, 'x', 'exec'))\n");
        Vuln(R7, "from flask import request\nvalue = eval(request.args['q'])\n");
        Vuln(R7, "exec(f\"x = {value}\")\n");
        Vuln(R7, "import builtins\nbuiltins.eval(expr)\n");
        Safe(R7, "x = eval(\"1 + 2\")\n");
        Safe(R7, "model.eval()\n");
        Safe(R7, "import pandas as pd\ndf.eval('c = a + b')\n");
        Safe(R7, "import ast\nvalue = ast.literal_eval(text)\n");

        const string R8 = "code.shell-injection";
        Vuln(R8, "import os\nos.system(\"rm -rf \" + path)\n");
        Vuln(R8, "import os\nos.system(f\"tar xf {archive}\")\n");
        Vuln(R8, "import subprocess\nsubprocess.run(cmd, shell=True)\n");
        Vuln(R8, "import subprocess\nsubprocess.Popen(\"ls %s\" % folder, shell=True)\n");
        Vuln(R8, "import os\nout = os.popen(cmd).read()\n");
        Vuln(R8, "import subprocess\nlog = subprocess.getoutput('git log ' + ref)\n");
        Safe(R8, "import os\nos.system('nvidia-smi')\n");
        Safe(R8, "import subprocess\nsubprocess.run(['ls', path], check=True)\n");
        Safe(R8, "import subprocess\nsubprocess.run('ls -l', shell=True)\n");
        Safe(R8, "import subprocess\nsha = subprocess.check_output(['git', 'rev-parse', 'HEAD'])\n");

        const string R9 = "code.tls-verification-disabled";
        Vuln(R9, "import requests\nr = requests.get(url, verify=False)\n");
        Vuln(R9, "import ssl\nssl._create_default_https_context = ssl._create_unverified_context\n");
        Vuln(R9, "import ssl\nctx = ssl.create_default_context()\nctx.verify_mode = ssl.CERT_NONE\n");
        Vuln(R9, "import requests\nsession = requests.Session()\nsession.verify = False\n");
        Vuln(R9, "import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\n");
        Safe(R9, "import requests\nr = requests.get(url, verify=True)\n");
        Safe(R9, "import requests\nr = requests.get(url, verify='/etc/ssl/ca.pem')\n");
        Safe(R9, "import ssl\nctx = ssl.create_default_context()\n");

        const string R10 = "code.plain-http-download";
        Vuln(R10, "import requests\nr = requests.get('http://example.com/model.bin')\n");
        Vuln(R10, "import urllib.request\nurllib.request.urlretrieve('http://data.example.org/train.csv', 'train.csv')\n");
        Vuln(R10, "import torch\nsd = torch.hub.load_state_dict_from_url('http://models.example.com/w.pth')\n");
        Vuln(R10, "import wget\nURL = 'http://files.example.com/d.zip'\nwget.download(URL)\n");
        Vuln(R10, "import pandas as pd\ndf = pd.read_csv(\"http://data.example.org/iris.csv\")\n");
        Safe(R10, "import requests\nr = requests.get('https://example.com/model.bin')\n");
        Safe(R10, "import requests\nr = requests.get('http://localhost:8080/health')\n");
        Safe(R10, "import requests\nr = requests.post('http://127.0.0.1:5000/predict', json=payload)\n");
        Safe(R10, "link = 'http://example.com/docs'\nprint('see ' + link)\n");

        const string R11 = "code.unpinned-download";
        Vuln(R11, "from transformers import AutoModel\nm = AutoModel.from_pretrained('bert-base-uncased')\n");
        Vuln(R11, "from huggingface_hub import hf_hub_download\np = hf_hub_download(repo_id='org/model', filename='w.safetensors')\n");
        Vuln(R11, "import torch\nm = torch.hub.load('pytorch/vision', 'resnet18', pretrained=True)\n");
        Vuln(R11, "from huggingface_hub import snapshot_download\nsnapshot_download('org/model', revision='main')\n");
        Vuln(R11, "from datasets import load_dataset\nds = load_dataset('org/dataset')\n");
        Safe(R11, "from transformers import AutoModel\nm = AutoModel.from_pretrained('bert-base-uncased', revision='86b5e0934494bd15c9632b12f734a8a67f723594')\n");
        Safe(R11, "from transformers import AutoModel\nm = AutoModel.from_pretrained('./local_model')\n");
        Safe(R11, "from transformers import AutoModel\nm = AutoModel.from_pretrained(model_dir)\n");
        Safe(R11, "import torch\nm = torch.hub.load('pytorch/vision:v0.10.0', 'resnet18')\n");
        Safe(R11, "from huggingface_hub import hf_hub_download\np = hf_hub_download(repo_id='org/m', filename='f.bin', revision='0123abc')\n");

        const string R12 = "code.hardcoded-credential";
        Vuln(R12, "password = \"hunter2!\"\n");
        Vuln(R12, "import psycopg2\ndb = psycopg2.connect(host='db', user='app', password='s3cr3t-pass')\n");
        Vuln(R12, "API_KEY = 'a1b2c3d4e5'\n");
        Vuln(R12, "config = {\"api_key\": \"k-12345678\", \"region\": \"eu\"}\n");
        Vuln(R12, "class Client:\n    def __init__(self):\n        self.client_secret = 'abcdef0123'\n");
        Safe(R12, "import os\npassword = os.environ['DB_PASSWORD']\n");
        Safe(R12, "import getpass\npassword = getpass.getpass()\n");
        Safe(R12, "api_key = ''\ntoken = '<your-token>'\n");
        Safe(R12, "pad_token = '[PAD]'\neos_token = '</s>'\nmax_tokens = 512\n");
        Safe(R12, "password = None\n");

        const string R13 = "code.logs-raw-input";
        Vuln(R13, "import logging\nlogger = logging.getLogger(__name__)\n\n\nclass Model:\n    def predict(self, features):\n        logger.info('request %s', features)\n        return self.m(features)\n");
        Vuln(R13, "from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.post('/predict')\ndef infer(payload):\n    print(payload)\n    return {}\n");
        Vuln(R13, "import logging\n\n\nclass Net:\n    def forward(self, x):\n        logging.debug(f\"input: {x}\")\n        return x\n");
        Vuln(R13, "import logging\nlog = logging.getLogger('train')\n\n\ndef training_step(batch, batch_idx):\n    log.info('batch=%r', batch)\n");
        Safe(R13, "import logging\nlogger = logging.getLogger(__name__)\n\n\nclass Model:\n    def predict(self, features):\n        logger.info('batch of %d', len(features))\n");
        Safe(R13, "import logging\n\n\nclass Net:\n    def forward(self, x):\n        logging.debug(f\"shape {x.shape}\")\n        return x\n");
        Safe(R13, "def helper(data):\n    print(data)\n");
        Safe(R13, "def predict(features):\n    print('predicting')\n    return 0\n");

        // Inline suppression: real findings, silenced on purpose.
        Safe("suppressed", "import pickle\nobj = pickle.load(f)  # gauntlet: ignore[code.pickle-load]\n");
        Safe("suppressed", "import torch\nsd = torch.load(p)  # gauntlet: ignore\n");

        // Notebooks: code cells share a namespace; outputs are scanned for secrets.
        Add($"notebooks/vulnerable_{++n}.ipynb", Notebook([("code", "import torch\n%matplotlib inline\n!pip install x\nsd = torch.load('m.pt')", null)]), R2);
        Add($"notebooks/vulnerable_{++n}.ipynb", Notebook([("code", "import yaml", null), ("markdown", "# notes", null), ("code", "cfg = yaml.load(open('c.yaml'))", null)]), R4);
        Add($"notebooks/vulnerable_{++n}.ipynb", Notebook([("code", "import os\nprint(os.environ['HF_TOKEN'])", fake.HuggingFace())]), "secret.huggingface-token");
        Add($"notebooks/vulnerable_{++n}.ipynb", Notebook([("code", "x = input()", null), ("code", "eval(x)", null)]), R7);
        Add($"notebooks/safe_{++n}.ipynb", Notebook([("code", "import numpy as np\n%timeit np.zeros(3)\narr = np.load('a.npy')", "array([0., 0., 0.])")]));
        Add($"notebooks/safe_{++n}.ipynb", Notebook([("code", "import yaml\ncfg = yaml.safe_load(open('c.yaml'))", null), ("markdown", "Load the **config**.", null)]));

        // Secrets: provider-specific tokens in code, configs, .env files and text, and placeholders that are not secrets.
        void Secret(string rule, string file, string content) => Add($"{rule}/{file}", content, rule);
        Secret("secret.aws-access-key-id", "vulnerable_1.py", $"import boto3\ns3 = boto3.client('s3', aws_access_key_id='{fake.AwsKeyId()}')\n");
        Secret("secret.aws-access-key-id", "vulnerable_2.ini", $"[default]\naws_access_key_id = {fake.AwsKeyId()}\n");
        Secret("secret.aws-access-key-id", "vulnerable_3.yaml", $"aws:\n  key_id: {fake.AwsKeyId()}\n");
        Secret("secret.aws-secret-access-key", "vulnerable_1.ini", $"[default]\naws_secret_access_key = {fake.AwsSecret()}\n");
        Secret("secret.aws-secret-access-key", "vulnerable_2.py", $"AWS_SECRET_ACCESS_KEY = \"{fake.AwsSecret()}\"\n");
        Secret("secret.aws-secret-access-key", "vulnerable_3.env", $"AWS_SECRET_ACCESS_KEY={fake.AwsSecret()}\n");
        Secret("secret.gcp-service-account-key", "vulnerable_1.json", fake.GcpServiceAccount());
        Secret("secret.gcp-service-account-key", "vulnerable_2.py", $"KEY = {{\"type\": \"service_account\", \"private_key\": \"{fake.PemBody("PRIVATE KEY", escaped: true)}\"}}\n");
        Secret("secret.azure-storage-key", "vulnerable_1.env", $"AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=mlstore;AccountKey={fake.AzureKey()};EndpointSuffix=core.windows.net\n");
        Secret("secret.azure-storage-key", "vulnerable_2.py", $"conn = \"DefaultEndpointsProtocol=https;AccountName=data;AccountKey={fake.AzureKey()}\"\n");
        Secret("secret.github-token", "vulnerable_1.py", $"GH = '{fake.GitHub()}'\n");
        Secret("secret.github-token", "vulnerable_2.yaml", $"github:\n  token: {fake.GitHub()}\n");
        Secret("secret.github-token", "vulnerable_3.txt", $"use this to push: {fake.GitHub()}\n");
        Secret("secret.gitlab-token", "vulnerable_1.env", $"GITLAB_TOKEN={fake.GitLab()}\n");
        Secret("secret.gitlab-token", "vulnerable_2.py", $"headers = {{'PRIVATE-TOKEN': '{fake.GitLab()}'}}\n");
        Secret("secret.slack-token", "vulnerable_1.py", $"client = WebClient(token='{fake.Slack()}')\n");
        Secret("secret.slack-token", "vulnerable_2.json", $"{{\"webhook\": \"{fake.SlackWebhook()}\"}}\n");
        Secret("secret.stripe-key", "vulnerable_1.py", $"stripe.api_key = '{fake.Stripe()}'\n");
        Secret("secret.stripe-key", "vulnerable_2.toml", $"[payments]\nstripe = \"{fake.Stripe()}\"\n");
        Secret("secret.openai-key", "vulnerable_1.py", $"client = OpenAI(api_key=\"{fake.OpenAi()}\")\n");
        Secret("secret.openai-key", "vulnerable_2.env", $"OPENAI_API_KEY={fake.OpenAi()}\n");
        Secret("secret.huggingface-token", "vulnerable_1.py", $"from huggingface_hub import login\nlogin(\"{fake.HuggingFace()}\")\n");
        Secret("secret.huggingface-token", "vulnerable_2.yaml", $"hub:\n  hf_token: {fake.HuggingFace()}\n");
        Secret("secret.private-key", "vulnerable_1.txt", fake.PemBody("RSA PRIVATE KEY", escaped: false));
        Secret("secret.private-key", "vulnerable_2.py", $"KEY = \"\"\"{fake.PemBody("OPENSSH PRIVATE KEY", escaped: false)}\"\"\"\n");
        Secret("secret.jwt", "vulnerable_1.py", $"headers = {{'Authorization': 'Bearer {fake.Jwt()}'}}\n");
        Secret("secret.jwt", "vulnerable_2.json", $"{{\"session\": \"{fake.Jwt()}\"}}\n");
        Secret("secret.database-url-password", "vulnerable_1.env", "DATABASE_URL=postgresql://app:" + fake.Word() + "@db.example.com:5432/ml\n");
        Secret("secret.database-url-password", "vulnerable_2.py", "engine = create_engine('mysql+pymysql://root:" + fake.Word() + "@10.0.0.5/features')\n");
        Secret("secret.database-url-password", "vulnerable_3.yaml", "mongo: mongodb+srv://reader:" + fake.Word() + "@cluster0.example.net/db\n");
        Secret("secret.high-entropy", "vulnerable_1.yaml", $"service:\n  api_secret: {fake.Base64(40)}\n");
        Secret("secret.high-entropy", "vulnerable_2.env", $"SIGNING_KEY={fake.Hex(40)}\n");
        Secret("secret.high-entropy", "vulnerable_3.json", $"{{\"auth_token\": \"{fake.Base64(48)}\"}}\n");
        Safe("secrets", "aws_access_key_id = ${AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}\n", ".ini");
        Safe("secrets", "token: <your token here>\npassword: changeme\n", ".yaml");
        Safe("secrets", "DATABASE_URL=postgresql://app:${DB_PASSWORD}@db/app\n", ".env");
        Safe("secrets", $"model_id: bert-base-uncased\nrevision: {fake.Hex(40)}\nsha256: {fake.Hex(64)}\ntokenizer_file: tokenizer.json\n", ".yaml");
        Safe("secrets", "{\"api_key_env\": \"OPENAI_API_KEY\", \"stripe\": \"sk_test_placeholder\"}\n", ".json");
        Safe("secrets", "import os\ntoken = os.environ.get('HF_TOKEN')\nurl = 'https://huggingface.co/api/models'\n");
        Safe("secrets", "The AWS access key id lives in ~/.aws/credentials; never commit it.\n", ".md");

        var manifest = JsonSerializer.Serialize(entries.Select(e => new { file = e.File, vulnerable = e.Vulnerable, expected = e.Expected }), new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest);
        return entries;
    }

    /// <summary>A notebook (nbformat 4) with the given cells: type, source, and an optional stream output.</summary>
    public static string Notebook(IEnumerable<(string Type, string Source, string? Output)> cells)
    {
        var list = cells.Select(c => c.Type == "code"
            ? (object)new Dictionary<string, object?>
            {
                ["cell_type"] = "code", ["execution_count"] = 1, ["metadata"] = new { },
                ["source"] = Lines(c.Source),
                ["outputs"] = c.Output is null ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = Lines(c.Output + "\n") } },
            }
            : new Dictionary<string, object?> { ["cell_type"] = c.Type, ["metadata"] = new { }, ["source"] = Lines(c.Source) });
        var notebook = new Dictionary<string, object>
        {
            ["cells"] = list.ToList(),
            ["metadata"] = new { kernelspec = new { name = "python3", language = "python", display_name = "Python 3" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return JsonSerializer.Serialize(notebook, new JsonSerializerOptions { WriteIndented = true });
    }

    private static List<string> Lines(string text)
    {
        var lines = text.Split('\n');
        return [.. lines.Select((l, i) => i < lines.Length - 1 ? l + "\n" : l).Where(l => l.Length > 0)];
    }

    /// <summary>Fake but well-formed credentials, composed at run time from a prefix and seeded random characters.</summary>
    public sealed class FakeSecrets(int seed)
    {
        private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        private const string Lower = "abcdefghijklmnopqrstuvwxyz";
        private const string Digits = "0123456789";
        private readonly Random random = new(seed);

        /// <summary>Random characters from <paramref name="alphabet"/>.</summary>
        public string Chars(string alphabet, int count) => new([.. Enumerable.Range(0, count).Select(_ => alphabet[random.Next(alphabet.Length)])]);

        /// <summary>An AWS access key id.</summary>
        public string AwsKeyId() => string.Concat("AK", "IA", Chars(Upper + "234567", 16));

        /// <summary>An AWS secret access key.</summary>
        public string AwsSecret() => Chars(Upper + Lower + Digits + "/+", 40);

        /// <summary>An Azure storage account key.</summary>
        public string AzureKey() => Chars(Upper + Lower + Digits + "+/", 86) + "==";

        /// <summary>A GitHub personal access token.</summary>
        public string GitHub() => string.Concat("gh", "p_", Chars(Upper + Lower + Digits, 36));

        /// <summary>A GitLab personal access token.</summary>
        public string GitLab() => string.Concat("gl", "pat-", Chars(Upper + Lower + Digits, 20));

        /// <summary>A Slack bot token.</summary>
        public string Slack() => string.Concat("xo", "xb-", Chars(Digits, 12), "-", Chars(Digits, 13), "-", Chars(Upper + Lower + Digits, 24));

        /// <summary>A Slack incoming webhook.</summary>
        public string SlackWebhook() => string.Concat("https://hooks.", "slack.com/services/T", Chars(Upper + Digits, 8), "/B", Chars(Upper + Digits, 8), "/", Chars(Upper + Lower + Digits, 24));

        /// <summary>A Stripe live secret key.</summary>
        public string Stripe() => string.Concat("sk", "_live_", Chars(Upper + Lower + Digits, 24));

        /// <summary>An OpenAI project key.</summary>
        public string OpenAi() => string.Concat("sk-", "proj-", Chars(Upper + Lower + Digits, 24), "T3Blbk", "FJ", Chars(Upper + Lower + Digits, 24));

        /// <summary>A Hugging Face token.</summary>
        public string HuggingFace() => string.Concat("hf", "_", Chars(Upper + Lower, 34));

        /// <summary>A JWT with an HS256 header.</summary>
        public string Jwt() =>
            B64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + B64Url("{\"sub\":\"" + Chars(Digits, 10) + "\",\"name\":\"corpus\"}") + "." + Chars(Upper + Lower + Digits + "-_", 43);

        /// <summary>A password-like word.</summary>
        public string Word() => Chars(Lower, 6) + Chars(Digits, 3);

        /// <summary>Random base64-alphabet text.</summary>
        public string Base64(int count) => Chars(Upper + Lower + Digits + "+/", count);

        /// <summary>Random hex.</summary>
        public string Hex(int count) => Chars("0123456789abcdef", count);

        /// <summary>A PEM block of random base64 (not a real key) with the given label; JSON-escaped newlines when asked.</summary>
        public string PemBody(string label, bool escaped)
        {
            var newline = escaped ? "\\n" : "\n";
            var body = string.Join(newline, Enumerable.Range(0, 4).Select(_ => Base64(64)));
            return string.Concat("-----BEGIN ", label, "-----", newline, body, newline, "-----END ", label, "-----", newline);
        }

        /// <summary>A GCP service-account key file.</summary>
        public string GcpServiceAccount() =>
            "{\n  \"type\": \"service_account\",\n  \"project_id\": \"corpus-project\",\n  \"private_key_id\": \"" + Hex(40) + "\",\n  \"private_key\": \"" + PemBody("PRIVATE KEY", escaped: true) +
            "\",\n  \"client_email\": \"svc@corpus-project.iam.gserviceaccount.com\"\n}\n";

        private static string B64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
