#!/usr/bin/env bash
# Packs the CLI as a .NET tool into artifacts/tool/ and installs it for the current user
# (`dotnet tool install --global`: ~/.dotnet/tools, no root), or updates it when it is already
# installed, so `gauntlet ...` runs as the README writes it. Needs only the .NET 10 SDK.
# Uninstall with: dotnet tool uninstall --global Gauntlet.Cli
set -euo pipefail
cd "$(dirname "$0")/.."

feed="$PWD/artifacts/tool"
rm -rf "$feed"
dotnet pack src/Gauntlet.Cli/Gauntlet.Cli.csproj -c Release -o "$feed" --nologo -v quiet
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)

# Every local build carries the same version number, and `dotnet tool update` to the installed
# version is a no-op ("is already installed"), so a rebuilt tool replaces the old one by
# uninstall + install. --version pins the just-packed build.
if dotnet tool list --global | awk 'NR > 2 { print tolower($1) }' | grep -qx gauntlet.cli; then
  echo "replacing the installed gauntlet with this build"
  dotnet tool uninstall --global Gauntlet.Cli >/dev/null
fi
dotnet tool install --global --add-source "$feed" --version "$version" Gauntlet.Cli

tools="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools"
case ":$PATH:" in
  *":$tools:"*) echo "gauntlet $version is on your PATH: try 'gauntlet --help'" ;;
  *) echo "add the .NET tools folder to your PATH (e.g. in ~/.bashrc), then run 'gauntlet --help':"
     echo "  export PATH=\"\$PATH:$tools\"" ;;
esac
