<#
.SYNOPSIS
  Run `automator watch` on a Windows machine at start-up, restarted if it stops.
  See docs/watch.md, "Windows".

.EXAMPLE
  # In an elevated PowerShell, with automator installed in C:\automator\.venv:
  .\install-watch-task.ps1 -Root '\\fileserver\广告部\automator' -User 'AGENCY\svc-automator'

.NOTES
  - Use the UNC path (\\server\share\...), not a mapped drive letter: drive
    letters belong to a logged-in user's session and do not exist for a task
    that runs at start-up.
  - A root on a network share needs --polling (the default here): Windows
    change notifications over SMB miss other machines' writes.
  - "End task" in Task Scheduler terminates the process at once (like kill -9):
    nothing is lost, the next start finishes what was in hand. For a graceful
    stop (Ctrl+C), run it under NSSM instead; see docs/watch.md.
#>
param(
    [Parameter(Mandatory = $true)] [string] $Root,
    [Parameter(Mandatory = $true)] [string] $User,
    [string] $Automator = 'C:\automator\.venv\Scripts\automator.exe',
    [double] $Interval = 2,
    [switch] $Native,             # local disk only: use change notifications instead of polling
    [string] $TaskName = 'automator-watch'
)

$ErrorActionPreference = 'Stop'
if (-not (Test-Path $Automator)) { throw "找不到 $Automator：先按 README 安装 automator" }

$arguments = "watch --root `"$Root`" --interval $Interval"
if (-not $Native) { $arguments += ' --polling' }

$action = New-ScheduledTaskAction -Execute $Automator -Argument $arguments
$trigger = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) `
    -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -MultipleInstances IgnoreNew -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
$credential = Get-Credential -UserName $User -Message "运行 automator 的账号（需要能读写 $Root）"

Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings `
    -User $credential.UserName -Password $credential.GetNetworkCredential().Password -RunLevel Limited -Force | Out-Null
Start-ScheduledTask -TaskName $TaskName

Write-Host "已注册并启动计划任务 $TaskName：automator $arguments"
Write-Host "查看状态：& '$Automator' status --root '$Root'"
