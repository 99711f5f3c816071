<#
.SYNOPSIS
  Installs or updates the QuantMind MT5 bridge on the Windows host, and (re)starts it.

.DESCRIPTION
  Runs as an administrator (the testnet stack runs it over SSH whenever the bridge's code or
  secrets change). It:
    - creates the local account that runs the bridge, not a member of Administrators, with a
      fresh random password each run (only the scheduled task holds it);
    - copies the bridge's code (not its tests or fake modules) into <InstallDir>\app;
    - writes the TLS certificate, key, request token and MT5 password into <InstallDir>\secrets,
      readable only by that account (plus SYSTEM and Administrators, who own the machine);
    - registers a scheduled task that starts the bridge at boot and every minute if it is not
      running (so a crash is restarted within a minute), then restarts it and waits until the
      port listens.
  Secrets arrive as ONE JSON object on standard input, never on the command line:
    {"token": "...", "cert_pem": "-----BEGIN CERTIFICATE-----...", "key_pem": "...", "mt5_password": "..."}
  (mt5_password is optional: without it the bridge attaches to the terminal's saved login).

.EXAMPLE
  Get-Content secrets.json | powershell -NoProfile -ExecutionPolicy Bypass -File install-bridge.ps1 -SourceDir C:\QuantMind\staging\mt5-bridge
#>
param(
  [Parameter(Mandatory = $true)] [string] $SourceDir,
  [string] $InstallDir = 'C:\QuantMind\mt5-bridge',
  [string] $ListenAddress = '0.0.0.0',
  [int] $Port = 5555,
  [string] $Account = 'qm-mt5-bridge',
  [string] $Python = 'C:\Program Files\Python311\python.exe',
  [string] $TerminalPath = 'C:\Program Files\MetaTrader 5\terminal64.exe',
  [string] $Mt5Login = '',
  [string] $Mt5Server = '',
  [string] $TesterTerminalPath = '',
  [string] $TesterMetaEditorPath = ''
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$TaskName = 'QuantMind MT5 bridge'

# --- secrets from stdin ------------------------------------------------------------------
$secrets = [Console]::In.ReadToEnd() | ConvertFrom-Json
if (-not $secrets.token -or [Text.Encoding]::UTF8.GetByteCount([string]$secrets.token) -lt 32) {
  throw 'stdin: "token" is missing or shorter than 32 bytes'
}
foreach ($field in 'cert_pem', 'key_pem') {
  if (-not $secrets.$field) { throw "stdin: `"$field`" is missing" }
}
if ($Mt5Login -and -not $secrets.mt5_password) { throw 'stdin: "mt5_password" is required with -Mt5Login' }
if (-not (Test-Path (Join-Path $SourceDir 'bridge.py'))) { throw "no bridge.py in $SourceDir" }

# --- a freshly created host is still running its preparation (user data): wait for it -------
function Test-Prepared {
  if (-not ((Test-Path $Python) -and (Test-Path $TerminalPath))) { return $false }
  # Windows PowerShell turns a native command's stderr into an error under 'Stop': relax it here
  $ErrorActionPreference = 'Continue'
  & $Python -c 'import MetaTrader5' 2>&1 | Out-Null
  return ($LASTEXITCODE -eq 0)
}
$deadline = (Get-Date).AddMinutes(30)
while (-not (Test-Prepared)) {
  if ((Get-Date) -gt $deadline) { throw "Python with the MetaTrader5 package ($Python) or the terminal ($TerminalPath) is not there after 30 minutes" }
  Start-Sleep -Seconds 20
}

# --- the account: local, not an administrator ---------------------------------------------
$bytes = New-Object byte[] 24
[Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($bytes)
# base64 plus one of each class, so the local password policy's complexity rule is met
$password = ConvertTo-SecureString ([Convert]::ToBase64String($bytes) + 'aZ9!') -AsPlainText -Force
$plain = [Runtime.InteropServices.Marshal]::PtrToStringAuto([Runtime.InteropServices.Marshal]::SecureStringToBSTR($password))
if (Get-LocalUser -Name $Account -ErrorAction SilentlyContinue) {
  Set-LocalUser -Name $Account -Password $password -PasswordNeverExpires $true
} else {
  New-LocalUser -Name $Account -Password $password -PasswordNeverExpires -AccountNeverExpires `
    -Description 'Runs the QuantMind MT5 bridge' | Out-Null
}
$admins = Get-LocalGroupMember -SID 'S-1-5-32-544' | Where-Object { $_.Name -like "*\$Account" }
if ($admins) { Remove-LocalGroupMember -SID 'S-1-5-32-544' -Member $Account }
Add-LocalGroupMember -SID 'S-1-5-32-545' -Member $Account -ErrorAction SilentlyContinue  # Users

# --- stop the running bridge before its files change --------------------------------------
if (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue) {
  Stop-ScheduledTask -TaskName $TaskName
  Start-Sleep -Seconds 2
}

# --- folders and permissions ----------------------------------------------------------------
$app = Join-Path $InstallDir 'app'
$secretDir = Join-Path $InstallDir 'secrets'
$logDir = Join-Path $InstallDir 'logs'
foreach ($dir in $InstallDir, $app, $secretDir, $logDir) { New-Item -ItemType Directory -Force -Path $dir | Out-Null }
# Only SYSTEM, Administrators and the account; nothing inherited from C:\ (where Users may read)
function Grant-Only([string] $path, [string] $rights) {
  & icacls $path /inheritance:r /grant:r "*S-1-5-18:$rights" "*S-1-5-32-544:$rights" | Out-Null
  if ($LASTEXITCODE -ne 0) { throw "icacls $path failed ($LASTEXITCODE)" }
}
function Grant-Account([string] $path, [string] $rights) {
  & icacls $path /grant:r "${Account}:$rights" | Out-Null
  if ($LASTEXITCODE -ne 0) { throw "icacls $path failed ($LASTEXITCODE)" }
}
foreach ($dir in $InstallDir, $secretDir, $logDir) { Grant-Only $dir '(OI)(CI)F' }
Grant-Account $InstallDir '(OI)(CI)RX'
Grant-Account $secretDir '(OI)(CI)R'
Grant-Account $logDir '(OI)(CI)M'

# --- code: the bridge only, replacing the previous version ---------------------------------
Get-ChildItem -Path $app -Force | Remove-Item -Recurse -Force
Copy-Item -Path (Join-Path $SourceDir 'bridge.py') -Destination $app
Copy-Item -Path (Join-Path $SourceDir 'mt5bridge') -Destination $app -Recurse
Get-ChildItem -Path $app -Recurse -Directory -Filter '__pycache__' | Remove-Item -Recurse -Force

# --- secrets: UTF-8 without BOM, inheriting the folder's account-only ACL -------------------
$utf8 = New-Object Text.UTF8Encoding($false)
function Write-Secret([string] $name, [string] $value) {
  $path = Join-Path $secretDir $name
  [IO.File]::WriteAllText($path, $value, $utf8)
  Grant-Only $path 'F'
  Grant-Account $path 'R'
  return $path
}
$tokenFile = Write-Secret 'token' ([string]$secrets.token)
$certFile = Write-Secret 'cert.pem' ([string]$secrets.cert_pem)
$keyFile = Write-Secret 'key.pem' ([string]$secrets.key_pem)
$terminal = @{ path = $TerminalPath }
if ($Mt5Login) {
  $terminal.login = [long]$Mt5Login
  $terminal.server = $Mt5Server
  $terminal.password_file = Write-Secret 'mt5-password' ([string]$secrets.mt5_password)
}
$secrets = $null

# --- config: paths and settings only (no secret values) -------------------------------------
$config = [ordered]@{
  host = $ListenAddress; port = $Port; cert = $certFile; key = $keyFile; token_file = $tokenFile
  log_file = (Join-Path $logDir 'bridge.log'); terminal = $terminal
}
if ($TesterTerminalPath) {
  $config.tester = @{ terminal_path = $TesterTerminalPath; metaeditor_path = $TesterMetaEditorPath; portable = $true }
}
$configFile = Join-Path $InstallDir 'bridge.json'
[IO.File]::WriteAllText($configFile, ($config | ConvertTo-Json -Depth 4), $utf8)

# --- the scheduled task: at boot, and every minute if it is not running ---------------------
$action = New-ScheduledTaskAction -Execute $Python -WorkingDirectory $app `
  -Argument "`"$(Join-Path $app 'bridge.py')`" --config `"$configFile`""
$atBoot = New-ScheduledTaskTrigger -AtStartup
$watchdog = New-ScheduledTaskTrigger -Once -At ((Get-Date).AddMinutes(1)) -RepetitionInterval (New-TimeSpan -Minutes 1)
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -ExecutionTimeLimit ([TimeSpan]::Zero) `
  -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) -StartWhenAvailable `
  -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $atBoot, $watchdog -Settings $settings `
  -User "$env:COMPUTERNAME\$Account" -Password $plain -RunLevel Limited -Force | Out-Null
$plain = $null
Start-ScheduledTask -TaskName $TaskName

# --- wait until it listens -----------------------------------------------------------------
$deadline = (Get-Date).AddSeconds(60)
while ((Get-Date) -lt $deadline) {
  if (Get-NetTCPConnection -LocalPort $Port -State Listen -ErrorAction SilentlyContinue) {
    Write-Output "mt5-bridge listening on ${ListenAddress}:$Port as $Account"
    exit 0
  }
  Start-Sleep -Seconds 2
}
$log = Join-Path $logDir 'bridge.log'
$tail = if (Test-Path $log) { (Get-Content $log -Tail 20) -join "`n" } else { '(no log yet)' }
throw "mt5-bridge did not listen on port $Port within 60 s. Last log lines:`n$tail"
