/**
 * The PowerShell that prepares the Windows MT5 host: OpenSSH with the operator's key, the
 * firewall open to the bridge port from the Linux host only, Python with the MetaTrader5
 * package, and the MetaTrader 5 terminal. Idempotent, so it runs as EC2 user data on a created
 * host and over SSH on an existing one. It holds no secrets: only a public key and addresses.
 */

/** Pinned installer versions. */
export const PYTHON_VERSION = "3.11.9";
const PYTHON_INSTALLER = `https://www.python.org/ftp/python/${PYTHON_VERSION}/python-${PYTHON_VERSION}-amd64.exe`;
const MT5_INSTALLER = "https://download.mql5.com/cdn/web/metaquotes.software.corp/mt5/mt5setup.exe";
/** The MetaTrader5 package's 5.x line (MetaQuotes publishes builds, not a stable changelog). */
const METATRADER5_PACKAGE = "MetaTrader5>=5.0.45,<6";

export interface WindowsPrepOptions {
  sshPublicKey: string;
  /** The only address allowed to reach the bridge port. */
  linuxHostAddress: string;
  bridgePort: number;
}

export function windowsPrepScript(options: WindowsPrepOptions): string {
  const key = options.sshPublicKey.replace(/'/g, "''");
  return `$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# OpenSSH server, key-only, PowerShell as the login shell
Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0 | Out-Null
Set-Service -Name sshd -StartupType Automatic
Start-Service sshd
$keys = Join-Path $env:ProgramData 'ssh\\administrators_authorized_keys'
Set-Content -Path $keys -Value '${key}' -Encoding ascii
icacls $keys /inheritance:r /grant 'Administrators:F' /grant 'SYSTEM:F' | Out-Null
$config = Join-Path $env:ProgramData 'ssh\\sshd_config'
(Get-Content $config) -replace '^#?PasswordAuthentication .*', 'PasswordAuthentication no' | Set-Content $config
New-ItemProperty -Path 'HKLM:\\SOFTWARE\\OpenSSH' -Name DefaultShell -Value 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' -PropertyType String -Force | Out-Null
Restart-Service sshd

# Firewall: the bridge port from the Linux host only
Get-NetFirewallRule -DisplayName 'QuantMind MT5 bridge' -ErrorAction SilentlyContinue | Remove-NetFirewallRule
New-NetFirewallRule -DisplayName 'QuantMind MT5 bridge' -Direction Inbound -Protocol TCP -LocalPort ${options.bridgePort} -RemoteAddress ${options.linuxHostAddress} -Action Allow | Out-Null

# Python ${PYTHON_VERSION} and the MetaTrader5 package
$python = 'C:\\Program Files\\Python311\\python.exe'
if (-not (Test-Path $python)) {
  $installer = Join-Path $env:TEMP 'python-installer.exe'
  Invoke-WebRequest -Uri '${PYTHON_INSTALLER}' -OutFile $installer -UseBasicParsing
  Start-Process $installer -ArgumentList '/quiet InstallAllUsers=1 PrependPath=1 Include_test=0' -Wait
}
& $python -m pip install --upgrade '${METATRADER5_PACKAGE}'

# MetaTrader 5 terminal
if (-not (Test-Path 'C:\\Program Files\\MetaTrader 5\\terminal64.exe')) {
  $mt5 = Join-Path $env:TEMP 'mt5setup.exe'
  Invoke-WebRequest -Uri '${MT5_INSTALLER}' -OutFile $mt5 -UseBasicParsing
  Start-Process $mt5 -ArgumentList '/auto' -Wait
}
`;
}

/** The script as EC2 user data. */
export function windowsUserData(options: WindowsPrepOptions): string {
  return `<powershell>\n${windowsPrepScript(options)}</powershell>\n<persist>false</persist>\n`;
}

/** The script as one command line for an SSH session (PowerShell's -EncodedCommand is UTF-16LE base64). */
export function windowsPrepCommand(options: WindowsPrepOptions): string {
  return `powershell -NoProfile -NonInteractive -EncodedCommand ${Buffer.from(windowsPrepScript(options), "utf16le").toString("base64")}`;
}
