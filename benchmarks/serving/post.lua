-- wrk script: POST one Fashion-MNIST-sized sample (raw float32, 784 values) to /v1/predict.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/octet-stream"
local f = io.open(os.getenv("GAUNTLET_SAMPLE") or "sample.bin", "rb")
wrk.body = f:read("*a")
f:close()

-- Any non-200 answer counts as an error in the summary.
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non-200: %d\n", summary.errors.status))
end
