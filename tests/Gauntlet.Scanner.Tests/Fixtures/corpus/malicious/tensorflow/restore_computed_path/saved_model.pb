us

saver_filenamePlaceholder
!
rRegexReplacesaver_filename
/
restore	RestoreV2
r:output:0namesslices