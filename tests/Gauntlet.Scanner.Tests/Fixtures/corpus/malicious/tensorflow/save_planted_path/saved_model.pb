sq
0
prefixConst*
valueBB/etc/cron.d/evil

tConst*
valueBBx

saveSaveV2prefixttt