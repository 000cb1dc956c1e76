Œ‰

xPlaceholderô
ñ

f0
saver_filenamePlaceholder<
StaticRegexFullMatchStaticRegexFullMatchsaver_filename 
aConst*
valueB	B.part%
bConst*
valueBB
_temp/part,
SelectSelectStaticRegexFullMatchab0

StringJoin
StringJoinsaver_filenameSelect

num_shardsConst
shardConstA
ShardedFilenameShardedFilename
StringJoinshard
num_shardsD
SaveV2SaveV2ShardedFilename:filename:0namesslices^Select5
	RestoreV2	RestoreV2saver_filenamenamesslices